"""Why no assignment exists, in sentences a chair can act on.

A "conflict-free reviewer" of a paper is one the solver may still add to it:
not forbidden (conflict or unwilling bid), not already locked to it, with load
left after the locked pairs, and, under the institution rule, not from the
institution of a reviewer locked to it.
"""

import numpy as np

from reviews.assignment_problem import Inputs, Problem, row_blocks

# Names listed in one sentence before "and N more".
LISTED_NAMES = 10


def counted(number, noun):
    """'1 slot', '3 slots'."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def join_names(names):
    """'A', 'A and B', 'A, B and C'; long lists end with 'and N more'."""
    names = list(names)
    if len(names) > LISTED_NAMES:
        shown = names[:LISTED_NAMES]
        return f"{', '.join(shown)} and {len(names) - LISTED_NAMES} more"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def locked_reasons(inputs: Inputs) -> list[str]:
    """Locks that no assignment can keep."""
    reasons = []
    papers, reviewers = inputs.locked[:, 0], inputs.locked[:, 1]
    paper_names, reviewer_names = inputs.paper_labels, inputs.reviewer_labels
    for paper, reviewer in inputs.locked[inputs.forbidden[papers, reviewers]]:
        reasons.append(
            f"{paper_names[paper]} is locked to {reviewer_names[reviewer]}, but that pair is "
            "forbidden (a conflict or an unwilling bid); remove the lock or the conflict."
        )
    per_paper = np.bincount(papers, minlength=len(inputs.k))
    for paper in np.flatnonzero(per_paper > inputs.k):
        reasons.append(
            f"{paper_names[paper]} has {counted(per_paper[paper], 'locked reviewer')} "
            f"for {counted(inputs.k[paper], 'slot')}."
        )
    per_reviewer = np.bincount(reviewers, minlength=len(inputs.loads))
    for reviewer in np.flatnonzero(per_reviewer > inputs.loads):
        reasons.append(
            f"{reviewer_names[reviewer]} has {counted(per_reviewer[reviewer], 'locked paper')} "
            f"but a load of {inputs.loads[reviewer]}."
        )
    if inputs.institution is not None:
        institutions = inputs.institution[reviewers]
        places, counts = np.unique(
            np.stack([papers, institutions], axis=1)[institutions >= 0], axis=0, return_counts=True
        )
        for paper, institution in places[counts > 1]:
            same = reviewers[(papers == paper) & (institutions == institution)]
            reasons.append(
                f"{paper_names[paper]} is locked to "
                f"{join_names(reviewer_names[r] for r in same)}, who share institution "
                f"{institution}; at most one reviewer per institution may review a paper."
            )
    return reasons


def _assignable_together(problem: Problem):
    """Per paper, how many of its conflict-free reviewers fit under the
    one-per-institution rule: those without an institution plus one per
    institution present."""
    code = problem.institution_code
    without = np.flatnonzero(code < 0)
    by_code = np.argsort(code[code >= 0], kind="stable")
    with_columns = np.flatnonzero(code >= 0)[by_code]
    starts = np.flatnonzero(np.diff(code[with_columns], prepend=-1))
    n_papers, n_reviewers = problem.allowed.shape
    counts = np.zeros(n_papers, dtype=np.int64)
    for start, stop in row_blocks(n_papers=n_papers, n_reviewers=n_reviewers):
        rows = problem.allowed[start:stop]
        counts[start:stop] = rows[:, without].sum(axis=1)
        if len(starts):
            present = np.logical_or.reduceat(rows[:, with_columns], starts, axis=1)
            counts[start:stop] += present.sum(axis=1)
    return counts


def capacity_reasons(inputs: Inputs, problem: Problem) -> list[str]:
    """Papers short of reviewers on their own, and a total capacity short of
    the total need."""
    reasons = []
    locked = problem.locked_per_paper
    available = problem.allowed.sum(axis=1)
    short = available < problem.slots
    for paper in np.flatnonzero(short):
        reasons.append(
            f"{inputs.paper_labels[paper]} has "
            f"{counted(available[paper] + locked[paper], 'conflict-free reviewer')} "
            f"for {counted(inputs.k[paper], 'slot')}."
        )
    if problem.institution_code is not None:
        together = _assignable_together(problem)
        for paper in np.flatnonzero(~short & (together < problem.slots)):
            reasons.append(
                f"{inputs.paper_labels[paper]} has "
                f"{counted(available[paper] + locked[paper], 'conflict-free reviewer')} "
                f"for {counted(inputs.k[paper], 'slot')}, but only "
                f"{together[paper] + locked[paper]} of them can review it together "
                "(one reviewer per institution)."
            )
    capacity, need = int(inputs.loads.sum()), int(inputs.k.sum())
    if capacity < need:
        reasons.append(f"Total reviewer capacity {capacity} < {need} reviews needed.")
    return reasons


def hall_reason(*, inputs: Inputs, problem: Problem, papers, reviewers, receivable) -> str:
    """The papers on the source side of a minimum cut need more reviews than
    any assignment can give them: `receivable` is what they get in a maximum
    flow, and `reviewers` (the cut's reviewers) have no load left in it.

    Each paper is fine on its own (capacity_reasons runs first), so the cut
    holds several papers and at least one reviewer.
    """
    need = int(problem.slots[papers].sum())
    more = " more" if problem.locked_per_paper[papers].any() else ""
    return (
        f"{join_names(inputs.paper_labels[p] for p in papers)} need {need}{more} reviews "
        f"together, but their conflict-free reviewers can give them at most {receivable}; "
        f"raise the load of {join_names(inputs.reviewer_labels[r] for r in reviewers)}, "
        "or clear conflicts for these papers."
    )
