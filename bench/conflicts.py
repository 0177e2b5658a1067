"""Time find_conflicts on a main-conference-sized synthetic input.

Run from the repository root: `.venv/bin/python -m bench.conflicts`.
12,000 papers x 9,000 reviewers; institutions of skewed size (a few huge
employers, a long tail of universities); profiles with publications, advisors
and several emails; 40,000 earlier papers in the system; declared conflicts.
"""

import random
import time
from collections import Counter

from reviews.conflicts import (
    Affiliation,
    CoauthoredPaper,
    Paper,
    Person,
    Publication,
    find_conflicts,
)

YEAR = 2025
N_REVIEWERS = 9_000
N_OTHER_PEOPLE = 40_000
N_PAPERS = 12_000
N_SYSTEM_PAPERS = 40_000
N_INSTITUTIONS = 5_000


def make_institutions(rng):
    """(name, domain, weight) with Zipf-like weights: the largest employer
    holds about 2.5% of everyone, half of everyone is in the top 700."""
    suffixes = ["edu", "ac.uk", "edu.cn", "de", "ac.kr", "com", "ca", "ch", "ac.jp"]
    return [
        (f"Institute {i} of Learning", f"inst{i}.{rng.choice(suffixes)}", 1.0 / (i + 1) ** 0.7)
        for i in range(N_INSTITUTIONS)
    ]


def make_identity(*, rng, key, institutions, weights, names):
    """(key, name, emails, affiliations) of one synthetic person."""
    name = rng.choice(names)
    history = rng.choices(institutions, weights=weights, k=rng.choice([1, 1, 2]))
    affiliations = []
    end = None
    for institution_name, domain, _ in history:
        start = (end or YEAR) - rng.randint(1, 8)
        affiliations.append(
            Affiliation(
                institution=institution_name,
                domain=f"{rng.choice(['cs.', 'mail.', ''])}{domain}",
                start_year=start,
                end_year=end,
            )
        )
        end = start
    emails = [f"{key}@{affiliations[0].domain}"]
    if rng.random() < 0.5:
        emails.append(f"{key}.{name.replace(' ', '.').lower()}@gmail.com")
    return key, name, tuple(emails), tuple(affiliations)


def make_person(*, rng, identity, references, with_profile):
    key, name, emails, affiliations = identity
    if not with_profile:
        return Person(key=key, name=name, emails=emails, affiliations=affiliations)
    publications = tuple(
        Publication(
            title=f"On topic {rng.randint(0, 10**6)}",
            year=rng.randint(2014, YEAR),
            coauthors=tuple(rng.choice(references) for _ in range(rng.randint(1, 5))),
        )
        for _ in range(rng.randint(5, 30))
    )
    return Person(
        key=key,
        name=name,
        emails=emails,
        affiliations=affiliations,
        publications=publications,
        advisors=(rng.choice(references),),
        advisees=tuple(rng.choice(references) for _ in range(rng.randint(0, 3))),
    )


def make_input(seed=0):
    rng = random.Random(seed)
    institutions = make_institutions(rng)
    weights = [weight for _, _, weight in institutions]
    firsts = [f"First{i}" for i in range(3000)]
    lasts = [f"Last{i}" for i in range(6000)]
    names = [f"{rng.choice(firsts)} {rng.choice(lasts)}" for _ in range(60_000)]
    keys = [f"r{i}" for i in range(N_REVIEWERS)] + [f"a{i}" for i in range(N_OTHER_PEOPLE)]
    identities = [
        make_identity(rng=rng, key=key, institutions=institutions, weights=weights, names=names)
        for key in keys
    ]
    # co-authors, advisors and advisees as typed in profiles: a name (70%) or an email
    references = [
        name if rng.random() < 0.7 else emails[0]
        for _, name, emails, _ in rng.choices(identities, k=100_000)
    ]
    people = [
        make_person(
            rng=rng,
            identity=identity,
            references=references,
            with_profile=identity[0].startswith("r") or rng.random() < 0.5,
        )
        for identity in identities
    ]
    reviewers = people[:N_REVIEWERS]

    def pick_authors():
        # about one author in five is also on the committee
        return tuple(rng.choices(people, k=rng.randint(2, 6)))

    reviewer_keys = [reviewer.key for reviewer in reviewers]
    papers = [
        Paper(
            key=f"P{i}",
            authors=pick_authors(),
            declared_reviewers=frozenset(rng.sample(reviewer_keys, rng.randint(0, 2))),
            declared_institutions=(rng.choice(institutions)[0],) if rng.random() < 0.1 else (),
        )
        for i in range(N_PAPERS)
    ]
    coauthored = [
        CoauthoredPaper(year=rng.randint(2018, YEAR - 1), authors=pick_authors(), title=f"S{i}")
        for i in range(N_SYSTEM_PAPERS)
    ]
    reviewer_declared = frozenset(
        (f"P{rng.randrange(N_PAPERS)}", rng.choice(reviewer_keys)) for _ in range(20_000)
    )
    chair_added = frozenset(
        (f"P{rng.randrange(N_PAPERS)}", rng.choice(reviewer_keys)) for _ in range(500)
    )
    overrides = frozenset(
        (f"P{rng.randrange(N_PAPERS)}", rng.choice(reviewer_keys), "institutional")
        for _ in range(1_000)
    )
    return {
        "papers": papers,
        "reviewers": reviewers,
        "year": YEAR,
        "coauthored": coauthored,
        "reviewer_declared": reviewer_declared,
        "chair_added": chair_added,
        "overrides": overrides,
    }


def main():
    started = time.perf_counter()
    arguments = make_input()
    built = time.perf_counter()
    cpu_started = time.process_time()
    conflicts = find_conflicts(**arguments)
    finished = time.perf_counter()
    cpu_seconds = time.process_time() - cpu_started
    pairs = {(conflict.paper, conflict.reviewer) for conflict in conflicts}
    print(
        f"input: {len(arguments['papers']):,} papers x {len(arguments['reviewers']):,} reviewers, "
        f"{len(arguments['coauthored']):,} system papers (built in {built - started:.1f} s)"
    )
    print(f"find_conflicts: {finished - built:.1f} s wall, {cpu_seconds:.1f} s CPU")
    print(
        f"found {len(conflicts):,} conflicts on {len(pairs):,} pairs "
        f"({len(pairs) / len(arguments['papers']):.1f} reviewers per paper)"
    )
    for kind, count in sorted(Counter(conflict.kind for conflict in conflicts).items()):
        print(f"  {kind}: {count:,}")


if __name__ == "__main__":
    main()
