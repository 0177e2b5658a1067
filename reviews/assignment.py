"""Reviewer assignment: the exact optimum, by min-cost flow (OR-Tools).

Pure: arrays in, pairs out. The intended score of a pair is

    score[p, r] = affinity_weight * affinity[p, r] + bid_weight * bid_value[p, r]

(float32, papers x reviewers, higher is better); conflicts and "not willing"
bids go in the `forbidden` mask instead. The result maximizes the total score
such that every paper gets exactly k reviewers (k per paper, e.g. per track),
no reviewer exceeds their load, no forbidden pair is used, the locked pairs are
kept (they use slots and loads), and, when `institution` is given, no paper has
two reviewers of one institution.

OR-Tools needs integer costs: cost = -(score * scale rounded half up), with
scale the power of two that brings the largest |score| just below 2**30. The
optimum is exact for these integer costs: scores closer than max|score| / 2**30
may tie.

The flow runs on candidate pairs (per paper its best allowed reviewers) and is
then certified over all pairs: node potentials pi of the optimal flow
(shortest distances from the sink in its residual graph, which has no negative
cycle at an optimum) satisfy cost + pi(tail) - pi(head) >= 0 on every residual
arc. An excluded allowed pair (p, r) could improve the flow only if
cost(p, r) + pi(p, or its institution's gadget) - pi(r) < 0; such pairs are
added and the flow solved again. When none is left, the potentials prove the
flow optimal over all pairs (`certified`). Candidates that cannot meet every
slot are grown across a minimum cut instead, which also yields the "these
papers together lack reviewers" explanation when no assignment exists.

Run `python -m reviews.assignment INSTANCE.npz --out PAIRS.json` on an archive
with scores, conflicts, k, loads and optionally institution and locked.
"""

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reviews.assignment_candidates import (
    cost_scale,
    crossing_pairs,
    improving_pairs,
    integer_costs,
    top_pairs,
)
from reviews.assignment_flow import (
    FlowGraph,
    build_graph,
    node_potentials,
    paper_inflow,
    reached_from_free_slots,
    solve_flow,
)
from reviews.assignment_problem import Inputs, Problem, reduce_problem, validate_inputs
from reviews.assignment_reasons import capacity_reasons, counted, hall_reason, locked_reasons

DEFAULT_CANDIDATES_PER_PAPER = 30
DEFAULT_MAX_ROUNDS = 100


@dataclass
class AssignmentResult:
    pairs: np.ndarray  # int32 (n, 2) of [paper_index, reviewer_index], sorted
    objective: float  # sum of the scores of the chosen pairs
    certified: bool  # optimality over all allowed pairs is proven
    seconds: float
    candidate_pairs: int  # pairs in the last flow network
    rounds: int  # flow solves


class InfeasibleAssignment(Exception):
    """No assignment meets the constraints; `reasons` says what to change."""

    def __init__(self, reasons):
        super().__init__(" ".join(reasons))
        self.reasons = list(reasons)


@dataclass
class _Search:
    graph: FlowGraph
    flows: np.ndarray
    codes: np.ndarray
    rounds: int
    feasible: bool
    certified: bool
    reached: np.ndarray | None  # source side of a minimum cut, when infeasible


def _random_rank(start, stop, n_reviewers):
    return np.random.default_rng(start).random((stop - start, n_reviewers), dtype=np.float32)


def _search(*, problem: Problem, scores, per_paper, max_rounds, notify) -> _Search:
    """Solve on growing candidate sets until the flow meets all slots and (with
    scores) no excluded pair can improve it, or a cut proves it cannot."""
    n_reviewers = problem.n_reviewers
    if scores is None:

        def rank(start, stop):
            return _random_rank(start, stop, n_reviewers)

    else:
        scale = cost_scale(scores)

        def rank(start, stop):
            return scores[start:stop]

    codes = top_pairs(problem=problem, rank=rank, per_paper=per_paper)
    need = problem.slots.sum()
    rounds = 0
    while True:
        rounds += 1
        notify(1 - 0.9 * 0.75**rounds, f"Round {rounds}: flow over {len(codes)} candidate pairs")
        if scores is None:
            pair_costs = np.zeros(len(codes), dtype=np.int64)
        else:
            pair_costs = integer_costs(scores.flat[codes], scale)
        graph = build_graph(problem=problem, codes=codes, pair_costs=pair_costs)
        flows = solve_flow(graph=graph, slots=problem.slots)
        search = _Search(
            graph=graph,
            flows=flows,
            codes=codes,
            rounds=rounds,
            feasible=True,
            certified=False,
            reached=None,
        )
        if paper_inflow(graph=graph, flows=flows).sum() < need:
            search.reached = reached_from_free_slots(graph=graph, flows=flows, slots=problem.slots)
            extra = crossing_pairs(
                problem=problem,
                rank=rank,
                codes=codes,
                graph=graph,
                flows=flows,
                reached=search.reached,
                per_paper=per_paper,
            )
            if not len(extra):
                search.feasible = False
                return search
        elif scores is None:
            return search
        else:
            potential = node_potentials(graph=graph, flows=flows)
            extra = improving_pairs(
                problem=problem,
                scores=scores,
                scale=scale,
                codes=codes,
                graph=graph,
                flows=flows,
                potential=potential,
                per_paper=per_paper,
            )
            search.certified = not len(extra)
            if search.certified or rounds >= max_rounds:
                return search
        codes = np.union1d(codes, extra)


def _hall_reason(*, inputs: Inputs, problem: Problem, search: _Search) -> str:
    n_papers = len(problem.slots)
    reached = search.reached
    papers = np.flatnonzero(reached[:n_papers])
    reviewers = np.flatnonzero(reached[n_papers : n_papers + problem.n_reviewers])
    inflow = paper_inflow(graph=search.graph, flows=search.flows)
    return hall_reason(
        inputs=inputs,
        problem=problem,
        papers=papers,
        reviewers=reviewers,
        receivable=int(inflow[papers].sum()),
    )


def _checked(inputs: Inputs) -> tuple[Problem | None, list[str]]:
    """The reduced problem and the reasons found without solving a flow."""
    reasons = locked_reasons(inputs)
    if reasons:
        return None, reasons
    problem = reduce_problem(inputs)
    return problem, capacity_reasons(inputs, problem)


def _ignore_progress(fraction, message):
    pass


def solve_assignment(
    *,
    scores,
    forbidden,
    k,
    loads,
    locked=(),
    institution=None,
    progress=None,
    paper_labels=None,
    reviewer_labels=None,
    candidates_per_paper=DEFAULT_CANDIDATES_PER_PAPER,
    max_rounds=DEFAULT_MAX_ROUNDS,
) -> AssignmentResult:
    """The assignment of maximum total score (see the module docstring).

    `candidates_per_paper` is how many pairs per paper enter the first flow
    and at most how many are added per paper and round. `max_rounds` bounds
    the flow solves: once that many have run and a flow meets all slots, it is
    returned, feasible but with `certified` False if pairs could still improve
    it. `progress(fraction, message)` is called as work advances. Raises
    InfeasibleAssignment when no assignment exists.
    """
    started = time.perf_counter()
    notify = progress or _ignore_progress
    notify(0.0, "Checking the constraints")
    inputs = validate_inputs(
        forbidden=forbidden,
        k=k,
        loads=loads,
        locked=locked,
        institution=institution,
        paper_labels=paper_labels,
        reviewer_labels=reviewer_labels,
    )
    scores = np.asarray(scores, dtype=np.float32)
    if scores.shape != inputs.forbidden.shape:
        raise ValueError(f"scores must have shape {inputs.forbidden.shape}, got {scores.shape}")
    if not (np.isfinite(scores.max(initial=0.0)) and np.isfinite(scores.min(initial=0.0))):
        raise ValueError("scores must be finite")
    if candidates_per_paper < 1 or max_rounds < 1:
        raise ValueError("candidates_per_paper and max_rounds must be at least 1")
    problem, reasons = _checked(inputs)
    if reasons:
        raise InfeasibleAssignment(reasons)
    notify(0.1, "Choosing candidate reviewers")
    search = _search(
        problem=problem,
        scores=scores,
        per_paper=candidates_per_paper,
        max_rounds=max_rounds,
        notify=notify,
    )
    if not search.feasible:
        raise InfeasibleAssignment([_hall_reason(inputs=inputs, problem=problem, search=search)])
    chosen = search.codes[search.flows[: search.graph.n_pairs] > 0]
    pairs = np.concatenate(
        [inputs.locked, np.stack(np.divmod(chosen, problem.n_reviewers), axis=1)]
    ).astype(np.int32)
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    notify(1.0, "Certified optimal" if search.certified else "Stopped before certifying")
    return AssignmentResult(
        pairs=pairs,
        objective=float(scores[pairs[:, 0], pairs[:, 1]].astype(np.float64).sum()),
        certified=search.certified,
        seconds=time.perf_counter() - started,
        candidate_pairs=len(search.codes),
        rounds=search.rounds,
    )


def explain_infeasibility(
    *,
    forbidden,
    k,
    loads,
    locked=(),
    institution=None,
    paper_labels=None,
    reviewer_labels=None,
    candidates_per_paper=DEFAULT_CANDIDATES_PER_PAPER,
) -> list[str]:
    """Why no assignment exists, or [] when one does: locks that cannot be
    kept; else papers short of reviewers on their own and a total capacity
    below the need; else a set of papers whose reviewers together lack load.
    `candidates_per_paper` sizes the first flow, as in solve_assignment."""
    inputs = validate_inputs(
        forbidden=forbidden,
        k=k,
        loads=loads,
        locked=locked,
        institution=institution,
        paper_labels=paper_labels,
        reviewer_labels=reviewer_labels,
    )
    problem, reasons = _checked(inputs)
    if reasons:
        return reasons
    search = _search(
        problem=problem,
        scores=None,
        per_paper=candidates_per_paper,
        max_rounds=1,
        notify=_ignore_progress,
    )
    if search.feasible:
        return []
    return [_hall_reason(inputs=inputs, problem=problem, search=search)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reviews.assignment",
        description="Optimal reviewer assignment for a NumPy archive with scores, conflicts, "
        "k, loads and optionally institution (per reviewer, -1 = none) and locked pairs.",
    )
    parser.add_argument("instance", type=Path, help="the .npz archive")
    parser.add_argument("--out", type=Path, required=True, help="JSON file for the pairs")
    args = parser.parse_args(argv)
    with np.load(args.instance) as archive:
        data = dict(archive)
    try:
        result = solve_assignment(
            scores=data["scores"],
            forbidden=data["conflicts"],
            k=data["k"],
            loads=data["loads"],
            locked=data.get("locked", ()),
            institution=data.get("institution"),
        )
    except InfeasibleAssignment as infeasible:
        print("No feasible assignment:")
        for reason in infeasible.reasons:
            print(f"- {reason}")
        return 2
    args.out.write_text(json.dumps(result.pairs.tolist()))
    print(f"Pairs: {len(result.pairs)} written to {args.out}")
    print(f"Objective: {result.objective:.6f}")
    print(f"Time: {result.seconds:.2f} s ({counted(result.rounds, 'round')})")
    print(f"Certified optimal: {'yes' if result.certified else 'no'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
