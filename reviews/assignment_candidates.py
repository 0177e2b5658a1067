"""Passes over all allowed pairs, a block of papers at a time: the first
candidate pairs, the excluded pairs that could still improve the solution, and
the excluded pairs that cross a minimum cut.

Pairs are coded paper * n_reviewers + reviewer; code arrays are sorted.
"""

import math

import numpy as np

from reviews.assignment_flow import FlowGraph, group_potentials, group_reached
from reviews.assignment_problem import Problem, institution_members, row_blocks

# Scores are scaled so that the largest magnitude is below 2**COST_BITS.
COST_BITS = 30


def cost_scale(scores) -> float:
    """A power of two, so scaling a float32 score is exact and rounding only
    drops bits below 2**-COST_BITS of the largest |score|."""
    largest = max(abs(float(scores.max(initial=0.0))), abs(float(scores.min(initial=0.0))))
    if largest == 0.0:
        return 1.0
    return 2.0 ** (COST_BITS - math.frexp(largest)[1])


def integer_costs(scores, scale):
    """Min-cost-flow costs of pairs: minus the scaled score rounded half up."""
    return -np.floor(np.asarray(scores, dtype=np.float64) * scale + 0.5).astype(np.int64)


def _joined(blocks):
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)


def _row_blocks(problem: Problem):
    n_papers, n_reviewers = problem.allowed.shape
    return row_blocks(n_papers=n_papers, n_reviewers=n_reviewers)


def _excluded(*, problem: Problem, codes, start, stop):
    """Allowed pairs of papers start..stop-1 that are not among `codes`."""
    n_reviewers = problem.n_reviewers
    mask = problem.allowed[start:stop].copy()
    first, last = np.searchsorted(codes, [start * n_reviewers, stop * n_reviewers])
    mask.reshape(-1)[codes[first:last] - start * n_reviewers] = False
    return mask


def _group_cells(*, problem: Problem, graph: FlowGraph, per_paper, per_group, start, stop):
    """(rows, columns, values) of the pairs of the block whose arc, in the
    network over all pairs, leaves a gadget with another value than its paper.

    Pair (p, r) leaves the gadget of (p, institution of r), or p itself when r
    has no institution. A group without candidates has a gadget only in that
    full network, with its arc from p unused: it takes p's value (a valid
    potential, and reached exactly when p is), so only the groups listed in
    the graph can differ.
    """
    first, last = np.searchsorted(
        graph.group_keys, [start * problem.n_institutions, stop * problem.n_institutions]
    )
    papers, values = graph.group_papers[first:last], per_group[first:last]
    differs = values != per_paper[papers]
    members, lengths = institution_members(
        institution_code=problem.institution_code,
        codes=graph.group_keys[first:last][differs] % problem.n_institutions,
    )
    return (
        np.repeat(papers[differs] - start, lengths),
        members,
        np.repeat(values[differs], lengths),
    )


def _best_per_row(*, mask, key_of, limit, start):
    """Codes of up to `limit` pairs per row where mask holds, smallest key
    first; key_of(rows) gives the keys of those rows of the block."""
    n_reviewers = mask.shape[1]
    crowded = mask.sum(axis=1) > limit
    few = np.flatnonzero(~crowded)
    rows, columns = np.nonzero(mask[few])
    rows = few[rows]
    crowded = np.flatnonzero(crowded)
    if len(crowded):
        keys = np.where(mask[crowded], key_of(crowded), np.inf)
        picked = np.argpartition(keys, limit - 1, axis=1)[:, :limit]
        rows = np.concatenate([rows, np.repeat(crowded, limit)])
        columns = np.concatenate([columns, picked.reshape(-1)])
    return np.sort((start + rows) * n_reviewers + columns)


def top_pairs(*, problem: Problem, rank, per_paper):
    """Per paper, its `per_paper` allowed pairs of highest rank(start, stop)."""
    blocks = []
    for start, stop in _row_blocks(problem):
        block_rank = rank(start, stop)
        blocks.append(
            _best_per_row(
                mask=problem.allowed[start:stop],
                key_of=lambda rows, block_rank=block_rank: -block_rank[rows],
                limit=per_paper,
                start=start,
            )
        )
    return _joined(blocks)


def improving_pairs(*, problem: Problem, scores, scale, codes, graph, flows, potential, per_paper):
    """Excluded allowed pairs with a negative reduced cost under `potential`,
    at most `per_paper` per paper (most negative first). None at all means the
    potentials certify the current flow optimal over all pairs.

    With cost = -floor(s * scale + 1/2) and T = pi(paper side) - pi(reviewer),
    an integer: cost + T < 0  <=>  s >= (T + 1/2) / scale, a single comparison
    per pair that is exact in float64 (scale is a power of two, |T| < 2**52).
    """
    n_papers = problem.allowed.shape[0]
    reviewer_offset = (potential[n_papers : n_papers + problem.n_reviewers] - 0.5) / scale
    per_paper_scaled = potential / scale
    per_group_scaled = group_potentials(graph=graph, potential=potential, flows=flows) / scale
    blocks = []
    for start, stop in _row_blocks(problem):
        threshold = per_paper_scaled[start:stop, None] - reviewer_offset
        if problem.institution_code is not None:
            rows, columns, values = _group_cells(
                problem=problem,
                graph=graph,
                per_paper=per_paper_scaled,
                per_group=per_group_scaled,
                start=start,
                stop=stop,
            )
            threshold[rows, columns] = values - reviewer_offset[columns]
        block_scores = scores[start:stop]
        mask = _excluded(problem=problem, codes=codes, start=start, stop=stop)
        mask &= block_scores >= threshold

        def reduced_costs(rows, threshold=threshold, block_scores=block_scores):
            return (threshold[rows] * scale - 0.5) + integer_costs(block_scores[rows], scale)

        blocks.append(_best_per_row(mask=mask, key_of=reduced_costs, limit=per_paper, start=start))
    return _joined(blocks)


def crossing_pairs(*, problem: Problem, rank, codes, graph, flows, reached, per_paper):
    """Excluded allowed pairs from the source side of a cut (`reached`) to a
    reviewer outside it, at most `per_paper` per paper (highest rank first).
    None at all means the cut is a minimum cut of the network over all pairs."""
    n_papers = problem.allowed.shape[0]
    reviewer_outside = ~reached[n_papers : n_papers + problem.n_reviewers]
    per_group = group_reached(graph=graph, reached=reached, flows=flows)
    blocks = []
    for start, stop in _row_blocks(problem):
        if not reached[start:stop].any():  # a reached gadget's paper is too
            continue
        excluded = _excluded(problem=problem, codes=codes, start=start, stop=stop)
        mask = excluded & reached[start:stop, None] & reviewer_outside
        if problem.institution_code is not None:
            rows, columns, values = _group_cells(
                problem=problem,
                graph=graph,
                per_paper=reached,
                per_group=per_group,
                start=start,
                stop=stop,
            )
            mask[rows, columns] = excluded[rows, columns] & values & reviewer_outside[columns]
        block_rank = rank(start, stop)
        blocks.append(
            _best_per_row(
                mask=mask,
                key_of=lambda rows, block_rank=block_rank: -block_rank[rows],
                limit=per_paper,
                start=start,
            )
        )
    return _joined(blocks)
