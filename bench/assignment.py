"""Time the reviewer-assignment solver against a plain dense min-cost flow.

Run from the repository root: `.venv/bin/python -m bench.assignment`
(`--sizes 1000x700,5000x3500`, `--quick` for the two small sizes,
`--no-dense-above N` to skip the dense reference above N papers,
`--capacity 1.0` for a tighter total load, `--institutions 800` to turn the
one-reviewer-per-institution rule on, which the dense reference lacks).

Synthetic instances, seeded: papers and reviewers are Dirichlet mixtures over
30 topics, affinity = their dot product + Gaussian noise (sd 0.02); 1% of pairs
are conflicts; 3% carry a bid of value 1 or 2, adding 0.1 per unit to the
score; the loads, equal up to one, add up to 1.2x the need; k = 3.
Institutions, when on, have Zipf-like sizes and 10% of reviewers have none.
Each solver runs in a fresh subprocess that loads the instance from an .npz
file, so its peak resident memory (ru_maxrss) is its own; times are wall clock
and CPU (user + system) of the solve alone.
"""

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

from reviews.assignment import solve_assignment
from reviews.assignment_candidates import cost_scale, integer_costs

SIZES = [(100, 35), (1000, 700), (5000, 3500), (12000, 9000)]
QUICK_SIZES = SIZES[:2]
K = 3
TOPICS = 30
CONFLICT_RATE = 0.01
BID_RATE = 0.03
BID_BONUS = 0.1
CAPACITY_FACTOR = 1.2
WITHOUT_INSTITUTION = 0.1
BLOCK_ROWS = 500


def make_instance(
    *, n_papers, n_reviewers, capacity_factor=CAPACITY_FACTOR, n_institutions=0, seed=0
):
    """scores (float32), conflicts (bool), k, loads and, with institutions,
    institution; built a block of papers at a time so that no float64 papers x
    reviewers array exists."""
    rng = np.random.default_rng(seed)
    paper_topics = rng.dirichlet(np.full(TOPICS, 0.1), n_papers).astype(np.float32)
    reviewer_topics = rng.dirichlet(np.full(TOPICS, 0.2), n_reviewers).astype(np.float32)
    scores = np.empty((n_papers, n_reviewers), dtype=np.float32)
    conflicts = np.empty((n_papers, n_reviewers), dtype=bool)
    for start in range(0, n_papers, BLOCK_ROWS):
        block = slice(start, start + BLOCK_ROWS)
        affinity = paper_topics[block] @ reviewer_topics.T
        shape = affinity.shape
        affinity += rng.normal(0.0, 0.02, shape).astype(np.float32)
        bids = (rng.random(shape, dtype=np.float32) < BID_RATE) * rng.integers(1, 3, shape)
        scores[block] = affinity + BID_BONUS * bids
        conflicts[block] = rng.random(shape, dtype=np.float32) < CONFLICT_RATE
    capacity = math.ceil(capacity_factor * K * n_papers)
    loads = np.full(n_reviewers, capacity // n_reviewers)
    loads[rng.choice(n_reviewers, capacity % n_reviewers, replace=False)] += 1
    instance = {
        "scores": scores,
        "conflicts": conflicts,
        "k": np.array(K),
        "loads": loads.astype(np.int64),
    }
    if n_institutions:
        weights = 1.0 / np.arange(1, n_institutions + 1) ** 0.9
        institution = rng.choice(n_institutions, n_reviewers, p=weights / weights.sum())
        institution[rng.random(n_reviewers) < WITHOUT_INSTITUTION] = -1
        instance["institution"] = institution
    return instance


def solve_dense(*, scores, conflicts, k, loads):
    """The obvious exact solver: one arc per allowed pair, OR-Tools solves all.
    Returns the (paper, reviewer) pairs."""
    n_papers, n_reviewers = scores.shape
    scale = cost_scale(scores)
    flow = SimpleMinCostFlow()
    block_arcs = []
    for start in range(0, n_papers, BLOCK_ROWS):
        papers, reviewers = np.nonzero(~conflicts[start : start + BLOCK_ROWS])
        papers += start
        costs = integer_costs(scores[papers, reviewers], scale)
        block_arcs.append(
            flow.add_arcs_with_capacity_and_unit_cost(
                papers, n_papers + reviewers, np.ones(len(papers), dtype=np.int64), costs
            )
        )
    sink = n_papers + n_reviewers
    reviewers = np.arange(n_reviewers)
    flow.add_arcs_with_capacity_and_unit_cost(
        n_papers + reviewers, np.full(n_reviewers, sink), loads, np.zeros(n_reviewers, np.int64)
    )
    need = np.broadcast_to(k, (n_papers,)).astype(np.int64)
    flow.set_nodes_supplies(np.append(np.arange(n_papers), sink), np.append(need, -need.sum()))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"dense min-cost flow failed: {status}")
    chosen = []
    for start, arcs in zip(range(0, n_papers, BLOCK_ROWS), block_arcs, strict=True):
        papers, reviewers = np.nonzero(~conflicts[start : start + BLOCK_ROWS])
        used = flow.flows(arcs) > 0
        chosen.append(np.stack([papers[used] + start, reviewers[used]], axis=1))
    return np.concatenate(chosen)


def constraint_problems(*, pairs, instance):
    """What the pairs break, in words; empty when every constraint holds."""
    n_papers, n_reviewers = instance["scores"].shape
    problems = []
    if len(np.unique(pairs, axis=0)) != len(pairs):
        problems.append("duplicate pairs")
    per_paper = np.bincount(pairs[:, 0], minlength=n_papers)
    if (per_paper != np.broadcast_to(instance["k"], (n_papers,))).any():
        problems.append("a paper without exactly k reviewers")
    if (np.bincount(pairs[:, 1], minlength=n_reviewers) > instance["loads"]).any():
        problems.append("a reviewer above their load")
    if instance["conflicts"][pairs[:, 0], pairs[:, 1]].any():
        problems.append("a conflicted pair")
    if "institution" in instance:
        institution = instance["institution"][pairs[:, 1]]
        places = (
            pairs[institution >= 0, 0] * (institution.max() + 1) + institution[institution >= 0]
        )
        if len(np.unique(places)) != len(places):
            problems.append("two reviewers of one institution on a paper")
    return problems


def peak_megabytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_child(*, solver, instance_path, pairs_path):
    """One solver run in this (fresh) process; prints its figures as JSON."""
    with np.load(instance_path) as archive:
        instance = dict(archive)
    loaded = peak_megabytes()
    started, cpu_started = time.perf_counter(), cpu_seconds()
    figures = {}
    if solver == "candidates":
        result = solve_assignment(
            scores=instance["scores"],
            forbidden=instance["conflicts"],
            k=instance["k"],
            loads=instance["loads"],
            institution=instance.get("institution"),
        )
        pairs = result.pairs
        figures = {
            "certified": result.certified,
            "rounds": result.rounds,
            "candidate_pairs": result.candidate_pairs,
        }
    else:
        pairs = solve_dense(
            scores=instance["scores"],
            conflicts=instance["conflicts"],
            k=instance["k"],
            loads=instance["loads"],
        )
    figures["seconds"] = time.perf_counter() - started
    figures["cpu_seconds"] = cpu_seconds() - cpu_started
    figures["loaded_mb"] = loaded
    figures["peak_mb"] = peak_megabytes()
    np.save(pairs_path, pairs)
    print(json.dumps(figures))


def run_in_subprocess(*, solver, instance_path, pairs_path):
    completed = subprocess.run(
        [sys.executable, "-m", "bench.assignment", "--child", solver, instance_path, pairs_path],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def objectives(*, pairs, instance):
    """(float objective, integer objective in the solver's scaled costs)."""
    scores = instance["scores"][pairs[:, 0], pairs[:, 1]]
    scaled = -integer_costs(scores, cost_scale(instance["scores"])).sum()
    return float(scores.astype(np.float64).sum()), int(scaled)


def bench_size(*, n_papers, n_reviewers, capacity_factor, n_institutions, dense, workdir):
    instance = make_instance(
        n_papers=n_papers,
        n_reviewers=n_reviewers,
        capacity_factor=capacity_factor,
        n_institutions=n_institutions,
    )
    instance_path = str(Path(workdir) / f"instance-{n_papers}x{n_reviewers}.npz")
    np.savez(instance_path, **instance)
    rule = f", one reviewer per institution ({n_institutions})" if n_institutions else ""
    print(
        f"\n{n_papers} papers x {n_reviewers} reviewers, k={K}, "
        f"capacity {instance['loads'].sum()} for {K * n_papers} reviews{rule}"
    )
    integer_objectives = {}
    for solver in ["candidates", "dense"] if dense else ["candidates"]:
        pairs_path = str(Path(workdir) / f"pairs-{solver}.npy")
        figures = run_in_subprocess(
            solver=solver, instance_path=instance_path, pairs_path=pairs_path
        )
        pairs = np.load(pairs_path)
        objective, integer_objective = objectives(pairs=pairs, instance=instance)
        integer_objectives[solver] = integer_objective
        problems = constraint_problems(pairs=pairs, instance=instance) or ["all hold"]
        extra = ""
        if solver == "candidates":
            extra = (
                f"  certified={figures['certified']} rounds={figures['rounds']}"
                f" candidate_pairs={figures['candidate_pairs']}"
            )
        print(
            f"  {solver:<10} {figures['seconds']:8.3f} s (cpu {figures['cpu_seconds']:.2f} s)"
            f"  peak {figures['peak_mb']:7.0f} MB"
            f" (instance loaded: {figures['loaded_mb']:.0f} MB)  objective {objective:.4f}"
            f"  constraints: {', '.join(problems)}{extra}"
        )
    if dense:
        same = integer_objectives["candidates"] == integer_objectives["dense"]
        print(f"  same optimum (integer costs): {'yes' if same else 'NO'}")


def parse_sizes(text):
    return [tuple(int(part) for part in size.split("x")) for size in text.split(",")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, help="e.g. 1000x700,5000x3500")
    parser.add_argument("--quick", action="store_true", help="only the two small sizes")
    parser.add_argument(
        "--no-dense-above",
        type=int,
        default=None,
        metavar="N",
        help="skip the dense reference for instances of more than N papers",
    )
    parser.add_argument(
        "--capacity", type=float, default=CAPACITY_FACTOR, help="total load over need"
    )
    parser.add_argument(
        "--institutions",
        type=int,
        default=0,
        metavar="N",
        help="N institutions and the one-per-institution rule (skips the dense reference)",
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        solver, instance_path, pairs_path = args.child
        run_child(solver=solver, instance_path=instance_path, pairs_path=pairs_path)
        return
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    with tempfile.TemporaryDirectory() as workdir:
        for n_papers, n_reviewers in sizes:
            dense = not args.institutions and (
                args.no_dense_above is None or n_papers <= args.no_dense_above
            )
            bench_size(
                n_papers=n_papers,
                n_reviewers=n_reviewers,
                capacity_factor=args.capacity,
                n_institutions=args.institutions,
                dense=dense,
                workdir=workdir,
            )


if __name__ == "__main__":
    main()
