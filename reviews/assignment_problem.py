"""Checked inputs of the assignment solver and the reduced problem it solves.

Locked pairs are taken out before solving: each uses one slot of its paper, one
unit of its reviewer's load and, under the institution rule, its institution's
place on that paper. What remains is the same kind of problem with fewer slots
and smaller loads, so its optimum plus the locked pairs is the optimum that
keeps the locks.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Cells per block of papers in passes over all pairs: bounds each float64
# temporary to ~32 MB.
ROW_CHUNK_CELLS = 1 << 22


@dataclass
class Inputs:
    """Caller's arrays, validated and normalized."""

    forbidden: np.ndarray  # bool (papers, reviewers)
    k: np.ndarray  # int64 per paper
    loads: np.ndarray  # int64 per reviewer
    locked: np.ndarray  # int64 (n, 2) of [paper, reviewer], unique, sorted
    institution: np.ndarray | None  # int64 per reviewer, -1 = none; None = rule off
    paper_labels: Sequence[str]
    reviewer_labels: Sequence[str]


@dataclass
class Problem:
    """What is left to assign once the locked pairs are placed."""

    slots: np.ndarray  # int64 per paper: reviews still to assign
    capacity: np.ndarray  # int64 per reviewer: load left
    allowed: np.ndarray  # bool (papers, reviewers): pairs the solver may add
    institution_code: np.ndarray | None  # int64 per reviewer, 0..n-1, -1 = none
    n_institutions: int
    locked_per_paper: np.ndarray  # int64 per paper

    @property
    def n_reviewers(self):
        return self.allowed.shape[1]


def _labels(labels, *, count, noun):
    if labels is None:
        return [f"{noun} {index + 1}" for index in range(count)]
    if len(labels) != count:
        raise ValueError(f"{noun.lower()}_labels needs {count} entries, got {len(labels)}")
    return [str(label) for label in labels]


def _integers(values, *, shape, name):
    array = np.asarray(values)
    if array.size and not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must be integers")
    try:
        array = np.broadcast_to(array, shape).astype(np.int64)
    except ValueError:
        raise ValueError(f"{name} must have shape {shape}, got {np.shape(values)}") from None
    return array


def validate_inputs(
    *, forbidden, k, loads, locked, institution, paper_labels, reviewer_labels
) -> Inputs:
    """Raise ValueError on malformed input (a caller's bug, not a chair's)."""
    forbidden = np.asarray(forbidden, dtype=bool)
    if forbidden.ndim != 2:
        raise ValueError("forbidden must be a (papers, reviewers) matrix")
    n_papers, n_reviewers = forbidden.shape
    k = _integers(k, shape=(n_papers,), name="k")
    loads = _integers(loads, shape=(n_reviewers,), name="loads")
    if (k < 0).any() or (loads < 0).any():
        raise ValueError("k and loads must not be negative")
    locked = np.asarray(locked, dtype=np.int64).reshape(-1, 2)
    if ((locked < 0) | (locked >= [n_papers, n_reviewers])).any():
        raise ValueError("locked pairs must hold valid [paper, reviewer] indices")
    locked = np.unique(locked, axis=0)
    if institution is not None:
        institution = _integers(institution, shape=(n_reviewers,), name="institution")
        if (institution < -1).any():
            raise ValueError("institution must be -1 (none) or a non-negative id")
    return Inputs(
        forbidden=forbidden,
        k=k,
        loads=loads,
        locked=locked,
        institution=institution,
        paper_labels=_labels(paper_labels, count=n_papers, noun="Paper"),
        reviewer_labels=_labels(reviewer_labels, count=n_reviewers, noun="Reviewer"),
    )


def row_blocks(*, n_papers, n_reviewers):
    """(start, stop) of consecutive blocks of papers of ~ROW_CHUNK_CELLS pairs."""
    rows = max(1, ROW_CHUNK_CELLS // max(1, n_reviewers))
    for start in range(0, n_papers, rows):
        yield start, min(start + rows, n_papers)


def concatenated_ranges(*, starts, lengths):
    """np.concatenate([np.arange(s, s + n) for s, n in zip(starts, lengths)])."""
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(lengths.sum())


def institution_members(*, institution_code, codes):
    """The reviewers of each institution in `codes`, concatenated, and how
    many each institution has."""
    by_code = np.argsort(institution_code, kind="stable")
    sorted_codes = institution_code[by_code]
    starts = np.searchsorted(sorted_codes, codes, side="left")
    lengths = np.searchsorted(sorted_codes, codes, side="right") - starts
    return by_code[concatenated_ranges(starts=starts, lengths=lengths)], lengths


def _block_locked_institutions(*, allowed, locked, institution_code):
    """A locked reviewer takes their institution's one place on the paper."""
    papers, reviewers = locked[:, 0], locked[:, 1]
    codes = institution_code[reviewers]
    papers, codes = papers[codes >= 0], codes[codes >= 0]
    members, lengths = institution_members(institution_code=institution_code, codes=codes)
    allowed[np.repeat(papers, lengths), members] = False


def reduce_problem(inputs: Inputs) -> Problem:
    """The problem without the locked pairs; call only when the locks are valid."""
    n_papers, n_reviewers = inputs.forbidden.shape
    locked_per_paper = np.bincount(inputs.locked[:, 0], minlength=n_papers)
    slots = inputs.k - locked_per_paper
    capacity = inputs.loads - np.bincount(inputs.locked[:, 1], minlength=n_reviewers)
    allowed = ~inputs.forbidden
    allowed[inputs.locked[:, 0], inputs.locked[:, 1]] = False
    institution_code, n_institutions = None, 0
    if inputs.institution is not None:
        institution_code = np.full(n_reviewers, -1, dtype=np.int64)
        has_institution = inputs.institution >= 0
        ids, codes = np.unique(inputs.institution[has_institution], return_inverse=True)
        institution_code[has_institution] = codes
        n_institutions = len(ids)
        _block_locked_institutions(
            allowed=allowed, locked=inputs.locked, institution_code=institution_code
        )
    allowed[slots == 0] = False
    allowed[:, capacity == 0] = False
    return Problem(
        slots=slots,
        capacity=capacity,
        allowed=allowed,
        institution_code=institution_code,
        n_institutions=n_institutions,
        locked_per_paper=locked_per_paper,
    )
