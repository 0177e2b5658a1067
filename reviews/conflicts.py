"""Conflict-of-interest detection between papers and reviewers.

Pure: frozen dataclasses in, a sorted list of `FoundConflict` out; the glue
layer builds the inputs from rows and stores the result. Keys (paper, reviewer,
person) are opaque hashables chosen by the caller.

It scales to a main conference (12,000 papers x 9,000 reviewers) because it
never walks all pairs: it indexes reviewers by email, name, domain,
institution and the people their profiles name, then looks up each paper's
authors in those indexes.
"""

import re
from collections.abc import Hashable
from dataclasses import dataclass, field

from reviews.domains import canonical_domain, canonical_institution, fold_text

SELF = "self"
INSTITUTIONAL = "institutional"
COAUTHOR = "coauthor"
ADVISOR = "advisor"
PERSONAL = "personal"
AUTHOR_DECLARED = "author_declared"
REVIEWER_DECLARED = "reviewer_declared"
CHAIR_ADDED = "chair_added"
KINDS = (
    SELF,
    INSTITUTIONAL,
    COAUTHOR,
    ADVISOR,
    PERSONAL,
    AUTHOR_DECLARED,
    REVIEWER_DECLARED,
    CHAIR_ADDED,
)
AUTOMATIC_KINDS = frozenset({SELF, INSTITUTIONAL, COAUTHOR, ADVISOR, PERSONAL})

AUTO = "auto"
AUTHOR = "author"
REVIEWER = "reviewer"
CHAIR = "chair"

# Institutions and co-authorships count when current or no older than this
# many years before the conference year (ICLR's rule).
WINDOW_YEARS = 3
# Evidence sentences kept per conflict; the rest are counted.
MAX_EVIDENCE_SENTENCES = 5

_KIND_ORDER = {kind: position for position, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Affiliation:
    """A stint at an institution; `end_year` None means current."""

    institution: str
    domain: str = ""
    start_year: int | None = None
    end_year: int | None = None


@dataclass(frozen=True)
class Publication:
    """A profile's publication; co-authors as typed, names or emails."""

    title: str
    year: int | None
    coauthors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    """An author or reviewer. For reviewers, pass only verified emails.
    `advisors`, `advisees` and `personal` (other close ties) are names or emails as typed."""

    key: Hashable | None
    name: str
    emails: tuple[str, ...] = ()
    affiliations: tuple[Affiliation, ...] = ()
    publications: tuple[Publication, ...] = ()
    advisors: tuple[str, ...] = ()
    advisees: tuple[str, ...] = ()
    personal: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paper:
    """A submission with the conflicts its authors declared: committee
    members by reviewer key, and institutions by name or email domain."""

    key: Hashable
    authors: tuple[Person, ...]
    declared_reviewers: frozenset = frozenset()
    declared_institutions: tuple[str, ...] = ()


@dataclass(frozen=True)
class CoauthoredPaper:
    """A paper submitted to any conference in this system, for co-authorship."""

    year: int
    authors: tuple[Person, ...]
    title: str = ""


@dataclass(frozen=True)
class FoundConflict:
    paper: Hashable
    reviewer: Hashable
    kind: str
    source: str
    evidence: str


def normalize_email(s):
    return s.strip().lower()


def email_domain(s):
    """The part after the last `@`, normalized; None when there is none."""
    local, at, domain = normalize_email(s).rpartition("@")
    return domain if at and local and domain else None


_HOMONYM_NUMBER = re.compile(r"\s\d{4}\s*$")
_PUNCTUATION = re.compile(r"[^\w\s]|_")


def normalize_name(name):
    """A comparison key for a person's name: case, accents and punctuation
    ignored, "Roe, Jane" read as "Jane Roe", a DBLP homonym number
    ("Wei Zhang 0001") dropped."""
    text = _HOMONYM_NUMBER.sub("", fold_text(name))
    if text.count(",") == 1:
        last, first = text.split(",")
        text = f"{first} {last}"
    return " ".join(_PUNCTUATION.sub(" ", text).split())


def _identity(reference):
    """How a typed reference is matched: an email (contains `@`) when it is
    one, else a normalized name; empty when it holds neither."""
    if "@" in reference:
        return normalize_email(reference)
    return normalize_name(reference)


def _emails(person):
    """The person's normalized emails, leaving out any without an `@`."""
    return [email for email in map(normalize_email, person.emails) if "@" in email]


def _identities(person):
    """Everything that references to this person may match."""
    found = _emails(person)
    name = normalize_name(person.name)
    if name:
        found.append(name)
    return found


def _member_identities(person):
    """How a co-author on a system paper is matched: by email when known."""
    emails = _emails(person)
    if emails:
        return emails
    name = normalize_name(person.name)
    return [name] if name else []


def _how(identity):
    return f"email {identity}" if "@" in identity else "name match"


def _label(person):
    return person.name.strip() or next(iter(person.emails), "(unnamed)")


def _year_text(year):
    return "year unknown" if year is None else str(year)


def _is_recent(*, year, cutoff):
    """Undated counts: a missed conflict is worse than one a chair overrides."""
    return year is None or year >= cutoff


@dataclass(frozen=True, eq=False)  # each place is itself: fast identity hashing
class _Place:
    """Where someone works or worked, as compared (canonical domain and
    institution) and as shown in evidence (name as typed, description)."""

    domain: str | None
    institution: str
    name: str
    description: str


def _places(*, person, cutoff):
    """Current and recent affiliations (`end_year` None or >= cutoff), plus
    the domains of the person's email addresses not already among them,
    which count as current."""
    places = []
    for affiliation in person.affiliations:
        if affiliation.end_year is not None and affiliation.end_year < cutoff:
            continue
        typed_domain = affiliation.domain.strip()
        when = "current" if affiliation.end_year is None else f"until {affiliation.end_year}"
        places.append(
            _Place(
                domain=canonical_domain(typed_domain) if typed_domain else None,
                institution=canonical_institution(affiliation.institution),
                name=affiliation.institution.strip(),
                description=f"affiliation {affiliation.institution.strip()} "
                f"({f'{typed_domain}, ' if typed_domain else ''}{when})",
            )
        )
    known_domains = {place.domain for place in places}
    for email in person.emails:
        domain = canonical_domain(email_domain(email) or "")
        if domain and domain not in known_domains:
            known_domains.add(domain)
            places.append(
                _Place(
                    domain=domain,
                    institution="",
                    name=domain,
                    description=f"email {normalize_email(email)}",
                )
            )
    return places


def _looks_like_domain(text):
    stripped = text.strip()
    return "." in stripped and " " not in stripped


@dataclass
class _ReviewerIndex:
    """Inverted indexes from what an author can be matched on to reviewers."""

    reviewers: tuple[Person, ...]
    position: dict = field(default_factory=dict)  # reviewer key -> index
    by_identity: dict = field(default_factory=dict)  # email or name -> [index]
    by_domain: dict = field(default_factory=dict)  # domain -> [(index, place)]
    by_institution: dict = field(default_factory=dict)  # institution -> [(index, place)]
    publication_refs: dict = field(default_factory=dict)  # identity -> [(index, pub)]
    tie_refs: dict = field(default_factory=dict)  # identity -> [(index, relation, kind)]
    paper_refs: dict = field(default_factory=dict)  # identity -> [(index, paper, how)]


def _append(index, key, value):
    index.setdefault(key, []).append(value)


def _build_index(*, reviewers, coauthored, cutoff):
    index = _ReviewerIndex(reviewers=tuple(reviewers))
    for position, reviewer in enumerate(index.reviewers):
        if reviewer.key in index.position:
            raise ValueError(f"duplicate reviewer key {reviewer.key!r}")
        index.position[reviewer.key] = position
        own = set(_identities(reviewer))
        for identity in own:
            _append(index.by_identity, identity, position)
        for place in _places(person=reviewer, cutoff=cutoff):
            if place.domain:
                _append(index.by_domain, place.domain, (position, place))
            if place.institution:
                _append(index.by_institution, place.institution, (position, place))
        for publication in reviewer.publications:
            if not _is_recent(year=publication.year, cutoff=cutoff):
                continue
            for reference in publication.coauthors:
                identity = _identity(reference)
                if identity and identity not in own:
                    _append(index.publication_refs, identity, (position, publication))
        for relation, references, kind in _ties(reviewer):
            for reference in references:
                identity = _identity(reference)
                if identity:
                    _append(index.tie_refs, identity, (position, relation, kind))
    for paper in coauthored:
        if paper.year >= cutoff:
            _index_coauthored_paper(index=index, paper=paper)
    return index


def _index_coauthored_paper(*, index, paper):
    """Record, for each reviewer among the paper's authors, the identities of
    the other authors as that reviewer's co-authors."""
    members = [_member_identities(author) for author in paper.authors]
    for member_position, identities in enumerate(members):
        matched = {}
        for identity in identities:
            for reviewer_position in index.by_identity.get(identity, ()):
                matched.setdefault(reviewer_position, identity)
        for reviewer_position, reviewer_identity in matched.items():
            for other_position, other_identities in enumerate(members):
                if other_position == member_position:
                    continue
                for identity in other_identities:
                    by_email = "@" in identity and "@" in reviewer_identity
                    how = "matched by email" if by_email else "name match"
                    _append(index.paper_refs, identity, (reviewer_position, paper, how))


class _Findings:
    """Evidence for one paper, by (reviewer index, kind), in discovery order."""

    def __init__(self):
        self.sentences = {}

    def add(self, reviewer_position, kind, sentence):
        self.sentences.setdefault((reviewer_position, kind), {})[sentence] = None


def _find_self(*, findings, index, author):
    for email in _emails(author):
        for position in index.by_identity.get(email, ()):
            findings.add(
                position,
                SELF,
                f"Same person: the reviewer's email {email} is an email of author "
                f"{_label(author)}.",
            )


def _find_institutional(*, findings, index, author, cutoff):
    for author_place in _places(person=author, cutoff=cutoff):
        # one sentence per pair of places, even when both domain and name match
        matches = {}  # (reviewer index, reviewer place) -> label
        for match in index.by_domain.get(author_place.domain, ()):
            matches.setdefault(match, author_place.domain)
        for match in index.by_institution.get(author_place.institution, ()):
            matches.setdefault(match, match[1].name)
        for (reviewer_position, place), label in matches.items():
            findings.add(
                reviewer_position,
                INSTITUTIONAL,
                f"Both at {label}: reviewer's {place.description}; "
                f"author {_label(author)}'s {author_place.description}.",
            )


def _find_coauthor(*, findings, index, author, cutoff):
    name = _label(author)
    own = _identities(author)
    for identity in own:
        for position, publication in index.publication_refs.get(identity, ()):
            findings.add(
                position,
                COAUTHOR,
                f"The reviewer's publication '{publication.title}' "
                f"({_year_text(publication.year)}) lists author {name} as co-author "
                f"({_how(identity)}).",
            )
        for position, paper, how in index.paper_refs.get(identity, ()):
            title = f"'{paper.title}'" if paper.title else "a paper"
            findings.add(
                position,
                COAUTHOR,
                f"The reviewer and author {name} are co-authors of {title}, submitted in "
                f"{paper.year} ({how}).",
            )
    for publication in author.publications:
        if not _is_recent(year=publication.year, cutoff=cutoff):
            continue
        for reference in publication.coauthors:
            identity = _identity(reference)
            if not identity or identity in own:
                continue
            for position in index.by_identity.get(identity, ()):
                findings.add(
                    position,
                    COAUTHOR,
                    f"Author {name}'s publication '{publication.title}' "
                    f"({_year_text(publication.year)}) lists the reviewer as co-author "
                    f"({_how(identity)}).",
                )


def _ties(person):
    """The relations a profile declares, with the conflict kind each one makes."""
    return (
        ("advisor", person.advisors, ADVISOR),
        ("advisee", person.advisees, ADVISOR),
        ("a personal relation", person.personal, PERSONAL),
    )


def _find_ties(*, findings, index, author):
    """Advisor/advisee and personal ties declared in either profile (no time limit)."""
    name = _label(author)
    for identity in _identities(author):
        for position, relation, kind in index.tie_refs.get(identity, ()):
            findings.add(
                position,
                kind,
                f"The reviewer lists author {name} as {relation} ({_how(identity)}).",
            )
    for relation, references, kind in _ties(author):
        for reference in references:
            identity = _identity(reference)
            for position in index.by_identity.get(identity, ()) if identity else ():
                findings.add(
                    position,
                    kind,
                    f"Author {name} lists the reviewer as {relation} ({_how(identity)}).",
                )


def _find_author_declared(*, findings, index, paper):
    for key in paper.declared_reviewers:
        if key in index.position:
            findings.add(
                index.position[key], AUTHOR_DECLARED, "Declared by the authors at submission."
            )
    for declared in paper.declared_institutions:
        matches = list(index.by_institution.get(canonical_institution(declared), ()))
        domain = canonical_domain(declared) if _looks_like_domain(declared) else None
        matches += index.by_domain.get(domain, ()) if domain else ()
        for reviewer_position, place in matches:
            findings.add(
                reviewer_position,
                AUTHOR_DECLARED,
                f"Declared by the authors at submission: institution {declared.strip()} "
                f"(reviewer's {place.description}).",
            )


def _evidence(sentences):
    if len(sentences) == 1:
        return next(iter(sentences))
    kept = list(sentences)
    if len(kept) > MAX_EVIDENCE_SENTENCES:
        more = len(kept) - MAX_EVIDENCE_SENTENCES
        kept = kept[:MAX_EVIDENCE_SENTENCES] + [f"And {more} more."]
    return " ".join(kept)


_SOURCE = {
    AUTHOR_DECLARED: AUTHOR,
    REVIEWER_DECLARED: REVIEWER,
    CHAIR_ADDED: CHAIR,
}


def _pairs_by_paper(pairs):
    grouped = {}
    for paper_key, reviewer_key in pairs:
        grouped.setdefault(paper_key, []).append(reviewer_key)
    return grouped


def find_conflicts(
    *,
    papers,
    reviewers,
    year,
    coauthored=(),
    reviewer_declared=frozenset(),
    chair_added=frozenset(),
    overrides=frozenset(),
):
    """Every conflict between `papers` and `reviewers` for a conference held in
    `year`: one `FoundConflict` per (paper, reviewer, kind), sorted by paper
    and reviewer in input order, then by kind in `KINDS` order.

    Automatic rules (source "auto"):
    - self: a reviewer email equals an author email (trimmed, case-insensitive);
    - institutional: a reviewer and an author share a canonical email domain or
      institution among affiliations that are current or ended in or after
      `year - WINDOW_YEARS`, and the domains of their email addresses;
    - coauthor: a shared system paper (`coauthored`) or a profile publication
      from `year - WINDOW_YEARS` on (undated publications count); references
      match by email when they hold one, else by normalized name;
    - advisor: either profile names the other as advisor or advisee;
    - personal: either profile names the other as a personal tie.
    Declared (sources "author", "reviewer", "chair"): `Paper.declared_*`,
    `reviewer_declared` and `chair_added` (paper key, reviewer key) pairs;
    pairs naming a paper or reviewer not in the input are ignored.
    `overrides` holds (paper key, reviewer key, kind) triples that suppress
    that automatic kind for that pair only.
    """
    cutoff = year - WINDOW_YEARS
    index = _build_index(reviewers=reviewers, coauthored=coauthored, cutoff=cutoff)
    declared_by = {
        REVIEWER_DECLARED: (
            _pairs_by_paper(reviewer_declared),
            "Declared by the reviewer while bidding.",
        ),
        CHAIR_ADDED: (_pairs_by_paper(chair_added), "Added by the chairs."),
    }
    paper_keys = set()
    conflicts = []
    for paper in papers:
        if paper.key in paper_keys:
            raise ValueError(f"duplicate paper key {paper.key!r}")
        paper_keys.add(paper.key)
        findings = _Findings()
        for author in paper.authors:
            _find_self(findings=findings, index=index, author=author)
            _find_institutional(findings=findings, index=index, author=author, cutoff=cutoff)
            _find_coauthor(findings=findings, index=index, author=author, cutoff=cutoff)
            _find_ties(findings=findings, index=index, author=author)
        _find_author_declared(findings=findings, index=index, paper=paper)
        for kind, (pairs, sentence) in declared_by.items():
            for reviewer_key in pairs.get(paper.key, ()):
                if reviewer_key in index.position:
                    findings.add(index.position[reviewer_key], kind, sentence)
        for reviewer_position, kind in sorted(
            findings.sentences, key=lambda pair: (pair[0], _KIND_ORDER[pair[1]])
        ):
            reviewer_key = index.reviewers[reviewer_position].key
            if kind in AUTOMATIC_KINDS and (paper.key, reviewer_key, kind) in overrides:
                continue
            conflicts.append(
                FoundConflict(
                    paper=paper.key,
                    reviewer=reviewer_key,
                    kind=kind,
                    source=_SOURCE.get(kind, AUTO),
                    evidence=_evidence(findings.sentences[(reviewer_position, kind)]),
                )
            )
    return conflicts


def conflicts_for_person(*, person, papers, year, coauthored=()):
    """Conflicts of one person with `papers`, e.g. before inviting them as a
    reviewer; `person.key` may be None and is reported as the reviewer."""
    return find_conflicts(papers=papers, reviewers=(person,), year=year, coauthored=coauthored)
