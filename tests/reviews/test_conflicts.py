import pytest

from reviews.conflicts import (
    Affiliation,
    CoauthoredPaper,
    FoundConflict,
    Paper,
    Person,
    Publication,
    conflicts_for_person,
    email_domain,
    find_conflicts,
    normalize_email,
    normalize_name,
)

YEAR = 2025  # so the window starts in 2022

BOB = {"name": "Bob Smith", "emails": ("bob@gmail.com",)}
JANE = {"name": "Jane Roe", "emails": ("jane.roe@gmail.com",)}


def reviewer(key="r1", **fields):
    return Person(key=key, **{**BOB, **fields})


def author(**fields):
    return Person(key=None, **{**JANE, **fields})


def at(institution, domain="", end_year=None):
    return (Affiliation(institution=institution, domain=domain, end_year=end_year),)


def kinds_between(*, reviewer_person, author_person, coauthored=()):
    conflicts = find_conflicts(
        papers=[Paper(key="p1", authors=(author_person,))],
        reviewers=[reviewer_person],
        year=YEAR,
        coauthored=coauthored,
    )
    return {conflict.kind for conflict in conflicts}


def triples(conflicts):
    return [(conflict.paper, conflict.reviewer, conflict.kind) for conflict in conflicts]


@pytest.mark.parametrize(
    ("reviewer_emails", "author_emails", "expected"),
    [
        pytest.param(("bob@gmail.com",), ("bob@gmail.com",), {"self"}, id="same-webmail"),
        pytest.param(("Bob@GMail.com",), (" bob@gmail.com ",), {"self"}, id="case-and-space"),
        pytest.param(
            ("bob@gmail.com", "b.smith@proton.me"), ("b.smith@proton.me",), {"self"}, id="second"
        ),
        pytest.param(("bob@cmu.edu",), ("bob@cmu.edu",), {"self", "institutional"}, id="work"),
        pytest.param(("bob@gmail.com",), ("bobsmith@gmail.com",), set(), id="other-email"),
        pytest.param(("bob",), ("bob",), set(), id="not-emails"),
    ],
)
def test_find_conflicts_self_by_email(reviewer_emails, author_emails, expected):
    found = kinds_between(
        reviewer_person=reviewer(emails=reviewer_emails),
        author_person=author(name="Bob Smith", emails=author_emails),
    )
    assert found == expected


@pytest.mark.parametrize(
    ("reviewer_fields", "author_fields", "expected"),
    [
        pytest.param(
            {"affiliations": at("Alpha Lab", "cs.cmu.edu")},
            {"affiliations": at("Beta Lab", "andrew.cmu.edu")},
            {"institutional"},
            id="subdomains",
        ),
        pytest.param(
            {"affiliations": at("Alpha Lab", "deepmind.com")},
            {"affiliations": at("Beta Lab", "google.com")},
            {"institutional"},
            id="deepmind-google",
        ),
        pytest.param(
            {"affiliations": at("Alpha Lab", "cs.ox.ac.uk")},
            {"affiliations": at("Beta Lab", "oxford.ac.uk")},
            {"institutional"},
            id="ox-oxford",
        ),
        pytest.param(
            {"affiliations": at("Alpha Lab", "fb.com")},
            {"affiliations": at("Beta Lab", "meta.com")},
            {"institutional"},
            id="fb-meta",
        ),
        pytest.param(
            {"affiliations": at("Alpha Lab", "intel-research.net")},
            {"affiliations": at("Beta Lab", "intel.com")},
            {"institutional"},
            id="intel",
        ),
        pytest.param(
            {"affiliations": at("Alpha Lab", "cs.ox.ac.uk")},
            {"affiliations": at("Beta Lab", "eng.cam.ac.uk")},
            set(),
            id="two-universities-under-ac-uk",
        ),
        pytest.param(
            {"affiliations": at("Alpha Lab", "gmail.com")},
            {"affiliations": at("Beta Lab", "gmail.com")},
            set(),
            id="webmail-domain",
        ),
        pytest.param(
            {"affiliations": at("Alpha Lab", "live.com")},
            {"affiliations": at("Beta Lab", "microsoft.com")},
            set(),
            id="live-is-not-microsoft",
        ),
        pytest.param(
            {"affiliations": at("CMU")},
            {"affiliations": at("Carnegie Mellon University")},
            {"institutional"},
            id="name-alias",
        ),
        pytest.param(
            {"affiliations": at("Google DeepMind")},
            {"affiliations": at("Google")},
            {"institutional"},
            id="google-deepmind",
        ),
        pytest.param(
            {"affiliations": at("TU/e")},
            {"affiliations": at("Eindhoven University of Technology")},
            {"institutional"},
            id="tue",
        ),
        pytest.param(
            {"affiliations": at("UT Austin")},
            {"affiliations": at("UT Dallas")},
            set(),
            id="ut-austin-not-dallas",
        ),
        pytest.param(
            {"emails": ("bob@cs.cmu.edu",)},
            {"emails": ("jane@andrew.cmu.edu",)},
            {"institutional"},
            id="email-domains",
        ),
        pytest.param(
            {"affiliations": at("Alpha Lab", "cmu.edu")},
            {"affiliations": at("Beta Lab", "cmu.edu", end_year=2022)},
            {"institutional"},
            id="author-ended-at-window-start",
        ),
        pytest.param(
            {"affiliations": at("Alpha Lab", "cmu.edu")},
            {"affiliations": at("Beta Lab", "cmu.edu", end_year=2021)},
            set(),
            id="author-ended-before-window",
        ),
        pytest.param(
            {"affiliations": at("Alpha Lab", "cmu.edu", end_year=2022)},
            {"affiliations": at("Beta Lab", "cmu.edu")},
            {"institutional"},
            id="reviewer-ended-at-window-start",
        ),
        pytest.param(
            {"affiliations": at("Alpha Lab", "cmu.edu", end_year=2021)},
            {"affiliations": at("Beta Lab", "cmu.edu")},
            set(),
            id="reviewer-ended-before-window",
        ),
        pytest.param(
            {"affiliations": at("CMU", end_year=2022)},
            {"affiliations": at("Carnegie Mellon University", end_year=2023)},
            {"institutional"},
            id="both-ended-within-window",
        ),
    ],
)
def test_find_conflicts_institutional(reviewer_fields, author_fields, expected):
    found = kinds_between(
        reviewer_person=reviewer(**reviewer_fields), author_person=author(**author_fields)
    )
    assert found == expected


def test_find_conflicts_institutional_evidence_names_both_affiliations():
    conflicts = find_conflicts(
        papers=[
            Paper(
                key="p1",
                authors=(
                    author(
                        affiliations=(
                            Affiliation("CMU", "andrew.cmu.edu", start_year=2019, end_year=2024),
                        )
                    ),
                ),
            )
        ],
        reviewers=[reviewer(affiliations=at("Carnegie Mellon University", "cs.cmu.edu"))],
        year=YEAR,
    )
    assert conflicts == [
        FoundConflict(
            paper="p1",
            reviewer="r1",
            kind="institutional",
            source="auto",
            evidence="Both at cmu.edu: reviewer's affiliation Carnegie Mellon University "
            "(cs.cmu.edu, current); author Jane Roe's affiliation CMU "
            "(andrew.cmu.edu, until 2024).",
        )
    ]


@pytest.mark.parametrize(
    ("reviewer_fields", "author_fields", "evidence"),
    [
        pytest.param(
            {"affiliations": at("Carnegie Mellon University")},
            {"affiliations": at("CMU")},
            "Both at Carnegie Mellon University: reviewer's affiliation Carnegie Mellon "
            "University (current); author Jane Roe's affiliation CMU (current).",
            id="name",
        ),
        pytest.param(
            {"emails": ("Bob@CS.cmu.edu",)},
            {"emails": ("jane@andrew.cmu.edu", "jane.roe@gmail.com")},
            "Both at cmu.edu: reviewer's email bob@cs.cmu.edu; "
            "author Jane Roe's email jane@andrew.cmu.edu.",
            id="email",
        ),
    ],
)
def test_find_conflicts_institutional_evidence_by_match(reviewer_fields, author_fields, evidence):
    conflicts = find_conflicts(
        papers=[Paper(key="p1", authors=(author(**author_fields),))],
        reviewers=[reviewer(**reviewer_fields)],
        year=YEAR,
    )
    assert [conflict.evidence for conflict in conflicts] == [evidence]


def system_paper(year, *people):
    return CoauthoredPaper(year=year, authors=people, title="Sparse Routing")


@pytest.mark.parametrize(
    ("coauthored", "expected"),
    [
        pytest.param(
            [system_paper(2022, Person(key=7, **BOB), Person(key=8, **JANE))],
            {"coauthor"},
            id="window-start",
        ),
        pytest.param(
            [system_paper(2021, Person(key=7, **BOB), Person(key=8, **JANE))],
            set(),
            id="before-window",
        ),
        pytest.param(
            [
                system_paper(
                    2024,
                    Person(key=7, name="B. Smith", emails=("BOB@gmail.com",)),
                    Person(key=None, name="J. Roe", emails=(" Jane.Roe@gmail.com",)),
                )
            ],
            {"coauthor"},
            id="email-only-author-without-account",
        ),
        pytest.param(
            [system_paper(2024, Person(key=7, **BOB), Person(key=None, name="Roe, Jane"))],
            {"coauthor"},
            id="author-by-name",
        ),
        pytest.param(
            [system_paper(2024, Person(key=None, name="Bob Smith"), Person(key=8, **JANE))],
            {"coauthor"},
            id="reviewer-by-name",
        ),
        pytest.param(
            [
                system_paper(
                    2024,
                    Person(key=7, **BOB),
                    Person(key=None, name="Jane Roe", emails=("jroe@other.org",)),
                )
            ],
            set(),
            id="same-name-other-email",
        ),
        pytest.param(
            [
                system_paper(2024, Person(key=7, **BOB), Person(key=9, name="Carol White")),
                system_paper(2024, Person(key=8, **JANE), Person(key=9, name="Carol White")),
            ],
            set(),
            id="common-coauthor-only",
        ),
    ],
)
def test_find_conflicts_coauthor_on_system_papers(coauthored, expected):
    found = kinds_between(reviewer_person=reviewer(), author_person=author(), coauthored=coauthored)
    assert found == expected


@pytest.mark.parametrize(
    ("coauthored", "evidence"),
    [
        pytest.param(
            [system_paper(2024, Person(key=7, **BOB), Person(key=8, **JANE))],
            "The reviewer and author Jane Roe are co-authors of 'Sparse Routing', "
            "submitted in 2024 (matched by email).",
            id="email",
        ),
        pytest.param(
            [system_paper(2024, Person(key=7, **BOB), Person(key=None, name="Jane Roe"))],
            "The reviewer and author Jane Roe are co-authors of 'Sparse Routing', "
            "submitted in 2024 (name match).",
            id="name",
        ),
        pytest.param(
            [CoauthoredPaper(year=2023, authors=(Person(key=7, **BOB), Person(key=8, **JANE)))],
            "The reviewer and author Jane Roe are co-authors of a paper, submitted in 2023 "
            "(matched by email).",
            id="untitled",
        ),
    ],
)
def test_find_conflicts_coauthor_system_paper_evidence(coauthored, evidence):
    conflicts = find_conflicts(
        papers=[Paper(key="p1", authors=(author(),))],
        reviewers=[reviewer()],
        year=YEAR,
        coauthored=coauthored,
    )
    assert [(c.kind, c.source, c.evidence) for c in conflicts] == [("coauthor", "auto", evidence)]


def publication(year, *coauthors):
    return (Publication(title="Sparse Routing", year=year, coauthors=coauthors),)


@pytest.mark.parametrize(
    ("reviewer_fields", "author_fields", "evidence"),
    [
        pytest.param(
            {"publications": publication(2023, "Roe, Jane")},
            {},
            "The reviewer's publication 'Sparse Routing' (2023) lists author Jane Roe as "
            "co-author (name match).",
            id="reviewer-lists-name",
        ),
        pytest.param(
            {"publications": publication(2023, "JANE.ROE@gmail.com")},
            {"name": "J. R."},
            "The reviewer's publication 'Sparse Routing' (2023) lists author J. R. as "
            "co-author (email jane.roe@gmail.com).",
            id="reviewer-lists-email",
        ),
        pytest.param(
            {"publications": publication(2022, "Jane Roe")},
            {},
            "The reviewer's publication 'Sparse Routing' (2022) lists author Jane Roe as "
            "co-author (name match).",
            id="window-start",
        ),
        pytest.param(
            {"publications": publication(None, "Jane Roe")},
            {},
            "The reviewer's publication 'Sparse Routing' (year unknown) lists author Jane Roe "
            "as co-author (name match).",
            id="undated",
        ),
        pytest.param(
            {},
            {"publications": publication(2024, "Bob  Smith")},
            "Author Jane Roe's publication 'Sparse Routing' (2024) lists the reviewer as "
            "co-author (name match).",
            id="author-lists-name",
        ),
        pytest.param(
            {},
            {"publications": publication(2024, "bob@gmail.com")},
            "Author Jane Roe's publication 'Sparse Routing' (2024) lists the reviewer as "
            "co-author (email bob@gmail.com).",
            id="author-lists-email",
        ),
    ],
)
def test_find_conflicts_coauthor_from_profiles(reviewer_fields, author_fields, evidence):
    conflicts = find_conflicts(
        papers=[Paper(key="p1", authors=(author(**author_fields),))],
        reviewers=[reviewer(**reviewer_fields)],
        year=YEAR,
    )
    assert [(c.kind, c.evidence) for c in conflicts] == [("coauthor", evidence)]


@pytest.mark.parametrize(
    ("reviewer_fields", "author_fields"),
    [
        pytest.param({"publications": publication(2021, "Jane Roe")}, {}, id="before-window"),
        pytest.param({}, {"publications": publication(2021, "Bob Smith")}, id="author-old"),
        pytest.param({"publications": publication(2024, "jroe@other.org")}, {}, id="other-email"),
        pytest.param({"publications": publication(2024, "Janet Roe")}, {}, id="other-name"),
        pytest.param(
            {"publications": publication(2024, "Bob Smith", "Carol White")},
            {"name": "Bob Smith"},
            id="reviewer-own-name-is-not-a-coauthor",
        ),
    ],
)
def test_find_conflicts_coauthor_from_profiles_none(reviewer_fields, author_fields):
    found = kinds_between(
        reviewer_person=reviewer(**reviewer_fields), author_person=author(**author_fields)
    )
    assert found == set()


@pytest.mark.parametrize(
    ("reviewer_fields", "author_fields", "evidence"),
    [
        pytest.param(
            {"advisors": ("Jane Roe",)},
            {},
            "The reviewer lists author Jane Roe as advisor (name match).",
            id="reviewer-advisor",
        ),
        pytest.param(
            {"advisees": ("Jane.Roe@gmail.com",)},
            {},
            "The reviewer lists author Jane Roe as advisee (email jane.roe@gmail.com).",
            id="reviewer-advisee",
        ),
        pytest.param(
            {},
            {"advisors": ("bob@gmail.com",)},
            "Author Jane Roe lists the reviewer as advisor (email bob@gmail.com).",
            id="author-advisor",
        ),
        pytest.param(
            {},
            {"advisees": ("Smith, Bob",)},
            "Author Jane Roe lists the reviewer as advisee (name match).",
            id="author-advisee",
        ),
    ],
)
def test_find_conflicts_advisor_either_direction(reviewer_fields, author_fields, evidence):
    conflicts = find_conflicts(
        papers=[Paper(key="p1", authors=(author(**author_fields),))],
        reviewers=[reviewer(**reviewer_fields)],
        year=YEAR,
    )
    assert [(c.kind, c.source, c.evidence) for c in conflicts] == [("advisor", "auto", evidence)]


@pytest.mark.parametrize(
    ("reviewer_fields", "author_fields", "evidence"),
    [
        pytest.param(
            {"personal": ("jane.roe@gmail.com",)},
            {},
            "The reviewer lists author Jane Roe as a personal relation (email jane.roe@gmail.com).",
            id="reviewer-declares",
        ),
        pytest.param(
            {},
            {"personal": ("Bob Smith",)},
            "Author Jane Roe lists the reviewer as a personal relation (name match).",
            id="author-declares",
        ),
    ],
)
def test_find_conflicts_personal_tie_either_direction(reviewer_fields, author_fields, evidence):
    conflicts = find_conflicts(
        papers=[Paper(key="p1", authors=(author(**author_fields),))],
        reviewers=[reviewer(**reviewer_fields)],
        year=YEAR,
    )
    assert [(c.kind, c.source, c.evidence) for c in conflicts] == [("personal", "auto", evidence)]


def test_find_conflicts_advisor_other_person_none():
    found = kinds_between(
        reviewer_person=reviewer(advisors=("Janet Roe", "jroe@other.org")),
        author_person=author(advisees=("Bobby Smith",)),
    )
    assert found == set()


CMU_REVIEWER = reviewer(key="r1", affiliations=at("Carnegie Mellon University", "cs.cmu.edu"))
MIT_REVIEWER = reviewer(key="r2", name="Carol White", emails=(), affiliations=at("MIT"))


@pytest.mark.parametrize(
    ("paper_fields", "expected"),
    [
        pytest.param(
            {"declared_reviewers": frozenset({"r2"})},
            [("r2", "Declared by the authors at submission.")],
            id="reviewer",
        ),
        pytest.param(
            {"declared_institutions": ("CMU",)},
            [
                (
                    "r1",
                    "Declared by the authors at submission: institution CMU (reviewer's "
                    "affiliation Carnegie Mellon University (cs.cmu.edu, current)).",
                )
            ],
            id="institution-name",
        ),
        pytest.param(
            {"declared_institutions": ("cmu.edu",)},
            [
                (
                    "r1",
                    "Declared by the authors at submission: institution cmu.edu (reviewer's "
                    "affiliation Carnegie Mellon University (cs.cmu.edu, current)).",
                )
            ],
            id="institution-domain",
        ),
        pytest.param(
            {"declared_reviewers": frozenset({"r9"}), "declared_institutions": ("Yale",)},
            [],
            id="unknown",
        ),
    ],
)
def test_find_conflicts_author_declared(paper_fields, expected):
    conflicts = find_conflicts(
        papers=[Paper(key="p1", authors=(author(),), **paper_fields)],
        reviewers=[CMU_REVIEWER, MIT_REVIEWER],
        year=YEAR,
    )
    assert [(c.reviewer, c.kind, c.source, c.evidence) for c in conflicts] == [
        (reviewer_key, "author_declared", "author", evidence) for reviewer_key, evidence in expected
    ]


def test_find_conflicts_reviewer_declared_and_chair_added():
    conflicts = find_conflicts(
        papers=[Paper(key="p1", authors=(author(),)), Paper(key="p2", authors=(author(),))],
        reviewers=[CMU_REVIEWER, MIT_REVIEWER],
        year=YEAR,
        reviewer_declared=frozenset({("p1", "r2"), ("p9", "r1"), ("p2", "r9")}),
        chair_added=frozenset({("p2", "r1")}),
    )
    assert conflicts == [
        FoundConflict(
            paper="p1",
            reviewer="r2",
            kind="reviewer_declared",
            source="reviewer",
            evidence="Declared by the reviewer while bidding.",
        ),
        FoundConflict(
            paper="p2",
            reviewer="r1",
            kind="chair_added",
            source="chair",
            evidence="Added by the chairs.",
        ),
    ]


def test_find_conflicts_override_suppresses_only_its_kind_and_pair():
    cmu_coauthor = reviewer(
        key="r1",
        affiliations=at("CMU", "cmu.edu"),
        publications=publication(2024, "Jane Roe"),
    )
    cmu_colleague = reviewer(key="r2", name="Carol White", emails=(), affiliations=at("CMU"))
    conflicts = find_conflicts(
        papers=[
            Paper(key="p1", authors=(author(affiliations=at("CMU")),)),
            Paper(key="p2", authors=(author(affiliations=at("CMU")),)),
        ],
        reviewers=[cmu_coauthor, cmu_colleague],
        year=YEAR,
        chair_added=frozenset({("p1", "r1")}),
        overrides=frozenset({("p1", "r1", "institutional"), ("p1", "r1", "chair_added")}),
    )
    assert triples(conflicts) == [
        ("p1", "r1", "coauthor"),
        ("p1", "r1", "chair_added"),
        ("p1", "r2", "institutional"),
        ("p2", "r1", "institutional"),
        ("p2", "r1", "coauthor"),
        ("p2", "r2", "institutional"),
    ]


def test_find_conflicts_sorted_by_input_order_then_kind():
    first = reviewer(key="zed", emails=("zed@cmu.edu",))
    second = reviewer(key="amy", name="Amy Lee", emails=("amy@cmu.edu",))
    conflicts = find_conflicts(
        papers=[
            Paper(key="zeta", authors=(author(emails=("amy@cmu.edu",)),)),
            Paper(key="alpha", authors=(author(emails=("jane@cmu.edu",)),)),
        ],
        reviewers=[first, second],
        year=YEAR,
        chair_added=frozenset({("zeta", "zed"), ("alpha", "amy")}),
    )
    assert triples(conflicts) == [
        ("zeta", "zed", "institutional"),
        ("zeta", "zed", "chair_added"),
        ("zeta", "amy", "self"),
        ("zeta", "amy", "institutional"),
        ("alpha", "zed", "institutional"),
        ("alpha", "amy", "institutional"),
        ("alpha", "amy", "chair_added"),
    ]


def test_find_conflicts_merges_evidence_within_a_kind():
    conflicts = find_conflicts(
        papers=[
            Paper(
                key="p1",
                authors=(
                    author(affiliations=at("CMU")),
                    Person(key=None, name="Carol White", affiliations=at("Carnegie Mellon")),
                ),
            )
        ],
        reviewers=[reviewer(affiliations=at("CMU"))],
        year=YEAR,
    )
    assert [c.evidence for c in conflicts] == [
        "Both at CMU: reviewer's affiliation CMU (current); author Jane Roe's affiliation CMU "
        "(current). Both at CMU: reviewer's affiliation CMU (current); author Carol White's "
        "affiliation Carnegie Mellon (current)."
    ]


def test_find_conflicts_caps_evidence_sentences():
    authors = tuple(Person(key=None, name=f"Author {n}", affiliations=at("CMU")) for n in range(7))
    conflicts = find_conflicts(
        papers=[Paper(key="p1", authors=authors)],
        reviewers=[reviewer(affiliations=at("CMU"))],
        year=YEAR,
    )
    evidence = conflicts[0].evidence
    assert (len(conflicts), evidence.count("Both at CMU"), evidence.endswith(" And 2 more.")) == (
        1,
        5,
        True,
    )


@pytest.mark.parametrize(
    ("papers", "reviewers"),
    [
        pytest.param([Paper(key="p1", authors=()), Paper(key="p1", authors=())], [], id="paper"),
        pytest.param([], [reviewer(key="r1"), reviewer(key="r1")], id="reviewer"),
    ],
)
def test_find_conflicts_duplicate_keys_rejected(papers, reviewers):
    with pytest.raises(ValueError, match="duplicate"):
        find_conflicts(papers=papers, reviewers=reviewers, year=YEAR)


def test_conflicts_for_person_without_key():
    candidate = Person(
        key=None,
        name="Dana Park",
        emails=("dana@gmail.com",),
        affiliations=at("Georgia Tech", "cc.gatech.edu"),
    )
    papers = [
        Paper(key="p1", authors=(author(affiliations=at("Georgia Institute of Technology")),)),
        Paper(key="p2", authors=(author(name="Eve Stone", emails=("eve@mit.edu",)),)),
        Paper(key="p3", authors=(author(name="Finn Ode", emails=("finn@umd.edu",)),)),
    ]
    coauthored = [
        system_paper(2023, Person(key=1, name="Dana Park"), Person(key=2, name="Eve Stone"))
    ]
    conflicts = conflicts_for_person(
        person=candidate, papers=papers, year=YEAR, coauthored=coauthored
    )
    assert triples(conflicts) == [("p1", None, "institutional"), ("p2", None, "coauthor")]


def test_normalize_email_trims_and_lowercases():
    assert normalize_email("  Jane.Roe@CS.CMU.edu \n") == "jane.roe@cs.cmu.edu"


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("jane@cs.cmu.edu", "cs.cmu.edu"),
        (" Jane@CMU.EDU ", "cmu.edu"),
        ("odd@name@cmu.edu", "cmu.edu"),
        ("jane", None),
        ("jane@", None),
        ("@cmu.edu", None),
        ("", None),
    ],
)
def test_email_domain_cases(email, expected):
    assert email_domain(email) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jane Roe", "jane roe"),
        ("Roe, Jane", "jane roe"),
        ("  JANE   roe ", "jane roe"),
        ("José Álvarez", "jose alvarez"),
        ("Wei Zhang 0001", "wei zhang"),
        ("Zhang, Wei 0002", "wei zhang"),
        ("Jean-Pierre Dupont", "jean pierre dupont"),
        ("J. Roe", "j roe"),
        ("", ""),
    ],
)
def test_normalize_name_cases(name, expected):
    assert normalize_name(name) == expected
