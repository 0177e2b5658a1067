import pytest

from reviews.domains import (
    DOMAIN_ALIAS_GROUPS,
    GENERIC_EMAIL_DOMAINS,
    INSTITUTION_ALIAS_GROUPS,
    canonical_domain,
    canonical_institution,
    fold_text,
    registrable_domain,
)


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("cmu.edu", "cmu.edu"),
        ("cs.cmu.edu", "cmu.edu"),
        ("a.b.cs.cmu.edu", "cmu.edu"),
        ("cs.ox.ac.uk", "ox.ac.uk"),
        ("eng.cam.ac.uk", "cam.ac.uk"),
        ("mail.tsinghua.edu.cn", "tsinghua.edu.cn"),
        ("cse.unsw.edu.au", "unsw.edu.au"),
        ("ee.kaist.ac.kr", "kaist.ac.kr"),
        ("is.s.u-tokyo.ac.jp", "u-tokyo.ac.jp"),
        ("cs.technion.ac.il", "technion.ac.il"),
        ("comp.nus.edu.sg", "nus.edu.sg"),
        ("cse.iitb.ac.in", "iitb.ac.in"),
        ("cse.ust.edu.hk", "ust.edu.hk"),
        ("win.tue.nl", "tue.nl"),
        (" CS.CMU.EDU. ", "cmu.edu"),
        ("@cs.cmu.edu", "cmu.edu"),
        ("https://www.cs.cmu.edu/about", "cmu.edu"),
    ],
)
def test_registrable_domain_reduces_subdomains(domain, expected):
    assert registrable_domain(domain) == expected


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("cs.cmu.edu", "cmu.edu"),
        ("google.com", "google.com"),
        ("research.google.com", "google.com"),
        ("deepmind.com", "google.com"),
        ("deepmind.google", "google.com"),
        ("ox.ac.uk", "ox.ac.uk"),
        ("oxford.ac.uk", "ox.ac.uk"),
        ("cs.ox.ac.uk", "ox.ac.uk"),
        ("fb.com", "meta.com"),
        ("facebook.com", "meta.com"),
        ("meta.com", "meta.com"),
        ("intel.com", "intel.com"),
        ("intel-research.net", "intel.com"),
        ("kaist.edu", "kaist.ac.kr"),
        ("microsoft.com", "microsoft.com"),
        ("live.unc.edu", "unc.edu"),
    ],
)
def test_canonical_domain_applies_aliases(domain, expected):
    assert canonical_domain(domain) == expected


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "mail.yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "163.com",
        "126.com",
        "gmx.de",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "aol.com",
        "zoho.com",
        "users.noreply.github.com",
        "alum.mit.edu",
        "GMAIL.COM",
    ],
)
def test_canonical_domain_webmail_is_none(domain):
    assert canonical_domain(domain) is None


@pytest.mark.parametrize("domain", ["", "  ", "edu", "localhost", "ac.uk", "edu.cn", "co.jp"])
def test_canonical_domain_without_institution_is_none(domain):
    assert canonical_domain(domain) is None


@pytest.mark.parametrize("domain", ["scope-demo.example", "lab.example", "mail.test", "x.invalid"])
def test_canonical_domain_reserved_test_domain_is_none(domain):
    assert canonical_domain(domain) is None


def test_canonical_domain_webmail_checked_before_aliases():
    # live.com is Microsoft's mailbox service: it must never look like an employer.
    assert (canonical_domain("live.com"), canonical_domain("microsoft.com")) == (
        None,
        "microsoft.com",
    )


def test_domain_alias_groups_name_no_webmail_and_no_domain_twice():
    aliases = [alias for group in DOMAIN_ALIAS_GROUPS for alias in group]
    assert (len(aliases), [a for a in aliases if a in GENERIC_EMAIL_DOMAINS]) == (
        len(set(aliases)),
        [],
    )


def test_domain_alias_groups_hold_registrable_domains():
    aliases = [alias for group in DOMAIN_ALIAS_GROUPS for alias in group]
    assert [alias for alias in aliases if registrable_domain(alias) != alias] == []


def test_institution_alias_groups_map_each_spelling_to_its_own_group():
    misplaced = [
        alias
        for group in INSTITUTION_ALIAS_GROUPS
        for alias in group
        if canonical_institution(alias) != canonical_institution(group[0])
    ]
    keys = {canonical_institution(group[0]) for group in INSTITUTION_ALIAS_GROUPS}
    assert (misplaced, len(keys)) == ([], len(INSTITUTION_ALIAS_GROUPS))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("CMU", "Carnegie Mellon University"),
        ("Carnegie-Mellon University", "carnegie mellon university"),
        ("MIT", "Massachusetts Institute of Technology"),
        ("UNC Chapel Hill", "University of North Carolina at Chapel Hill"),
        ("UNC-Chapel Hill", "University of North Carolina at Chapel Hill"),
        ("KAIST", "Korea Advanced Institute of Science and Technology"),
        ("UT Austin", "University of Texas at Austin"),
        ("The University of Texas at Austin", "UT Austin"),
        ("UT Dallas", "The University of Texas at Dallas"),
        ("UMD", "University of Maryland"),
        ("University of Maryland, College Park", "UMD"),
        ("Georgia Tech", "Georgia Institute of Technology"),
        ("Google DeepMind", "Google"),
        ("DeepMind", "Google"),
        ("Oxford", "University of Oxford"),
        ("USC", "University of Southern California"),
        ("TU/e", "Eindhoven University of Technology"),
        ("TU Eindhoven", "Eindhoven University of Technology"),
        ("Intel Labs", "Intel"),
        ("Intel Corporation", "Intel"),
        ("Intel, Inc.", "intel"),
        ("U Surrey", "University of Surrey"),
        ("University of Michigan, Ann Arbor", "UMich"),
        ("ETH Zürich", "ETH Zurich"),
        ("Cornell", "Cornell University"),
        ("Yale", "Yale University"),
        ("Univ. of Luxembourg", "University of Luxembourg"),
        ("Facebook AI Research", "Meta"),
        ("  the  Stanford   University ", "Stanford"),
    ],
)
def test_canonical_institution_equates_spellings(first, second):
    assert canonical_institution(first) == canonical_institution(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("UT Austin", "UT Dallas"),
        ("University of Oxford", "University of Cambridge"),
        ("Georgia Tech", "Georgia State University"),
        ("University of Maryland", "University of Michigan"),
        ("Intel", "NVIDIA"),
    ],
)
def test_canonical_institution_keeps_institutions_apart(first, second):
    assert canonical_institution(first) != canonical_institution(second)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CMU", "carnegie mellon university"),
        ("The Ohio State University", "ohio state university"),
        ("King's College London", "kings college london"),
        ("Texas A&M University", "texas a and m university"),
        ("", ""),
        (" -- ", ""),
    ],
)
def test_canonical_institution_returns_normalized_key(name, expected):
    assert canonical_institution(name) == expected


def test_fold_text_drops_accents_and_case():
    assert fold_text("ETH Zürich, Université") == "eth zurich, universite"
