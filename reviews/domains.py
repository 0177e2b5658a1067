"""Normalize email domains and institution names so that two spellings of one
employer compare equal, for the institutional conflict rule.

Pure functions over maintained tables; no Django. The tables are code because
they describe the world, not one venue; extend them when a real miss shows up.
"""

import re
import unicodedata

# Public suffixes under which institutions register (the part that is not the
# institution): `cs.ox.ac.uk` belongs to `ox.ac.uk`, not to `ac.uk`.
TWO_LEVEL_SUFFIXES = frozenset(
    {
        "ac.uk", "co.uk", "org.uk", "gov.uk", "nhs.uk",
        "edu.cn", "com.cn", "ac.cn", "org.cn", "net.cn", "gov.cn",
        "ac.jp", "co.jp", "ne.jp", "or.jp", "go.jp",
        "ac.kr", "co.kr", "re.kr", "or.kr", "go.kr",
        "edu.au", "com.au", "org.au", "gov.au", "net.au",
        "ac.il", "co.il", "org.il",
        "edu.sg", "com.sg", "gov.sg",
        "ac.in", "co.in", "edu.in", "res.in", "ernet.in",
        "edu.hk", "com.hk", "org.hk",
        "edu.tw", "com.tw", "org.tw",
        "ac.nz", "co.nz",
        "ac.za", "co.za",
        "ac.at", "co.at",
        "ac.be",
        "edu.br", "com.br",
        "edu.mx", "com.mx",
        "edu.ar", "com.ar",
        "edu.tr", "com.tr",
        "edu.pl", "com.pl",
        "edu.my", "com.my",
        "ac.th", "co.th",
        "edu.vn", "ac.id", "ac.ir", "edu.pk", "edu.sa", "edu.eg",
    }
)  # fmt: skip

# Mailbox providers and other domains that say nothing about an employer. A
# domain is generic when it or any parent domain is listed (`mail.yahoo.com`).
GENERIC_EMAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com",
        "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "msn.com",
        "yahoo.com", "yahoo.co.uk", "yahoo.co.jp", "ymail.com", "rocketmail.com",
        "icloud.com", "me.com", "mac.com",
        "proton.me", "protonmail.com", "protonmail.ch", "pm.me",
        "qq.com", "foxmail.com", "163.com", "126.com", "yeah.net", "sina.com",
        "sohu.com", "aliyun.com",
        "naver.com", "daum.net", "hanmail.net",
        "gmx.de", "gmx.net", "gmx.com", "web.de", "t-online.de",
        "mail.ru", "inbox.ru", "list.ru", "bk.ru", "yandex.ru", "yandex.com", "ya.ru",
        "aol.com", "zoho.com", "zohomail.com", "mail.com", "fastmail.com",
        "tutanota.com", "hey.com", "rediffmail.com",
        "users.noreply.github.com",
        # alumni forwarding addresses: the person left
        "alum.mit.edu", "alumni.stanford.edu", "cantab.net",
    }
)  # fmt: skip

# Registrable domains of one employer; the first of each group is canonical.
DOMAIN_ALIAS_GROUPS = (
    ("google.com", "deepmind.com", "deepmind.google", "google.org"),
    ("meta.com", "fb.com", "facebook.com"),
    ("ox.ac.uk", "oxford.ac.uk"),
    ("intel.com", "intel-research.net"),
    ("kaist.ac.kr", "kaist.edu"),
    ("alibaba-inc.com", "alibaba.com"),
)

# Spellings of one institution; the first of each group is its display name.
INSTITUTION_ALIAS_GROUPS = (
    ("Carnegie Mellon University", "CMU", "Carnegie Mellon"),
    ("Massachusetts Institute of Technology", "MIT", "MIT CSAIL"),
    (
        "University of North Carolina at Chapel Hill",
        "UNC Chapel Hill",
        "UNC-CH",
        "UNC",
        "University of North Carolina, Chapel Hill",
    ),
    ("Korea Advanced Institute of Science and Technology", "KAIST"),
    ("University of Texas at Austin", "UT Austin", "UTAustin", "University of Texas, Austin"),
    ("University of Texas at Dallas", "UT Dallas", "UTD", "University of Texas, Dallas"),
    (
        "University of Maryland",
        "UMD",
        "UMCP",
        "University of Maryland, College Park",
        "University of Maryland at College Park",
    ),
    ("Georgia Institute of Technology", "Georgia Tech", "GaTech"),
    (
        "Google",
        "Google DeepMind",
        "DeepMind",
        "Google Research",
        "Google Brain",
        "Alphabet",
    ),
    ("University of Oxford", "Oxford", "Oxford University"),
    ("University of Cambridge", "Cambridge University"),
    ("University of Southern California", "USC"),
    (
        "Eindhoven University of Technology",
        "TU/e",
        "TUe",
        "TU Eindhoven",
        "Technische Universiteit Eindhoven",
    ),
    ("Intel", "Intel Labs", "Intel Research", "Intel AI"),
    ("University of Michigan", "UMich", "U Michigan", "University of Michigan, Ann Arbor"),
    ("University of Surrey", "U Surrey", "Surrey University"),
    ("University of Luxembourg", "Uni.lu", "U Luxembourg", "Université du Luxembourg"),
    ("Cornell University", "Cornell", "Cornell Tech"),
    ("Yale University", "Yale"),
    ("Meta", "Meta AI", "Facebook", "Facebook AI Research", "FAIR", "Meta Platforms"),
    ("Microsoft", "Microsoft Research", "MSR"),
    ("Amazon", "Amazon Web Services", "AWS", "Amazon Science"),
    ("NVIDIA", "NVIDIA Research"),
    ("IBM", "IBM Research"),
    ("Stanford University", "Stanford"),
    ("University of California, Berkeley", "UC Berkeley", "UCB"),
    ("University of California, Los Angeles", "UCLA"),
    ("University of California, San Diego", "UC San Diego", "UCSD"),
    (
        "University of Illinois Urbana-Champaign",
        "UIUC",
        "University of Illinois at Urbana-Champaign",
    ),
    ("ETH Zurich", "ETH", "Swiss Federal Institute of Technology Zurich"),
    ("Tsinghua University", "Tsinghua"),
    ("Peking University", "PKU"),
    ("National University of Singapore", "NUS"),
    ("University College London", "UCL"),
    ("Imperial College London", "Imperial College"),
    ("University of Toronto", "UofT", "U of T"),
    ("Mila", "Mila - Quebec AI Institute", "Mila Quebec AI Institute"),
    ("Princeton University", "Princeton"),
    ("Harvard University", "Harvard"),
)

# Trailing words that only say what legal form an employer has.
CORPORATE_SUFFIXES = frozenset(
    {"inc", "incorporated", "ltd", "llc", "corp", "corporation", "gmbh", "plc"}
)


def fold_text(text):
    """Lowercase and drop accents, so `Zürich` and `zurich` compare equal."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _clean_domain(domain):
    """Accept what people type in a domain field: case, spaces, `@`, a URL."""
    text = domain.strip().lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0]
    return text.lstrip("@").strip(".")


def registrable_domain(domain):
    """The domain an institution registered: `cs.cmu.edu` -> `cmu.edu`,
    `cs.ox.ac.uk` -> `ox.ac.uk` (two-level public suffixes kept whole)."""
    labels = _clean_domain(domain).split(".")
    keep = 3 if ".".join(labels[-2:]) in TWO_LEVEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


# Top-level domains reserved for documentation and tests (RFC 2606, RFC 6761): nobody's employer.
RESERVED_TLDS = frozenset({"example", "test", "invalid", "localhost"})


def is_generic_domain(domain):
    """True for webmail, reserved test domains and other domains that name no employer."""
    labels = _clean_domain(domain).split(".")
    if labels[-1] in RESERVED_TLDS:
        return True
    return any(".".join(labels[i:]) in GENERIC_EMAIL_DOMAINS for i in range(len(labels)))


_CANONICAL_DOMAIN = {alias: group[0] for group in DOMAIN_ALIAS_GROUPS for alias in group}


def canonical_domain(domain):
    """The employer's domain to compare on, or None when the domain names no
    employer (webmail, a bare public suffix, empty).

    The webmail check comes before the alias table: `live.com` is a mailbox
    provider, not Microsoft.
    """
    if is_generic_domain(domain):
        return None
    registrable = registrable_domain(domain)
    if "." not in registrable or registrable in TWO_LEVEL_SUFFIXES:
        return None
    return _CANONICAL_DOMAIN.get(registrable, registrable)


_DROPPED = re.compile(r"['’.]")  # "King's" -> "kings", "U.S." -> "us"
_PUNCTUATION = re.compile(r"[^\w\s]|_")


def _normalize_institution(name):
    text = fold_text(name).replace("&", " and ")
    text = _DROPPED.sub("", text)
    words = _PUNCTUATION.sub(" ", text).split()
    if words and words[0] == "the":
        words = words[1:]
    while words and words[-1] in CORPORATE_SUFFIXES:
        words = words[:-1]
    return " ".join("university" if word == "univ" else word for word in words)


_CANONICAL_INSTITUTION = {
    _normalize_institution(alias): _normalize_institution(group[0])
    for group in INSTITUTION_ALIAS_GROUPS
    for alias in group
}


def canonical_institution(name):
    """A comparison key for an institution name: case, accents, punctuation,
    a leading "The" and legal-form suffixes ("Inc.") ignored, known
    abbreviations mapped (`CMU` -> `carnegie mellon university`).
    Empty for a name with no letters or digits."""
    normalized = _normalize_institution(name)
    return _CANONICAL_INSTITUTION.get(normalized, normalized)
