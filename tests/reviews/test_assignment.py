import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from reviews.assignment import (
    InfeasibleAssignment,
    explain_infeasibility,
    solve_assignment,
)

REPOSITORY = Path(__file__).resolve().parents[2]


def milp_optimum(*, scores, forbidden, k, loads, locked=(), institution=None):
    """Best total score by scipy's MILP solver (HiGHS), or None if infeasible:
    an independent reference written from the constraints, not the flow."""
    n_papers, n_reviewers = scores.shape
    k = np.broadcast_to(k, (n_papers,))
    pairs = np.argwhere(~forbidden)
    if len(pairs) == 0:
        return 0.0 if k.sum() == 0 else None
    columns = np.arange(len(pairs))
    ones = np.ones(len(pairs))
    constraints = [
        LinearConstraint(coo_matrix((ones, (pairs[:, 0], columns)), (n_papers, len(pairs))), k, k),
        LinearConstraint(
            coo_matrix((ones, (pairs[:, 1], columns)), (n_reviewers, len(pairs))), 0, loads
        ),
    ]
    if institution is not None:
        of_pair = institution[pairs[:, 1]]
        counted = of_pair >= 0
        keys, rows = np.unique(
            pairs[counted, 0] * (institution.max() + 1) + of_pair[counted], return_inverse=True
        )
        matrix = coo_matrix((ones[counted], (rows, columns[counted])), (len(keys), len(pairs)))
        constraints.append(LinearConstraint(matrix, 0, 1))
    lower = np.zeros(len(pairs))
    for paper, reviewer in locked:
        lower[(pairs[:, 0] == paper) & (pairs[:, 1] == reviewer)] = 1
    solution = milp(
        -scores[pairs[:, 0], pairs[:, 1]].astype(np.float64),
        constraints=constraints,
        integrality=ones,
        bounds=Bounds(lower, 1),
    )
    return None if solution.status != 0 else round(-solution.fun, 6)


def brute_force_optimum(*, scores, forbidden, k, loads, locked=(), institution=None):
    """Best total score over every way to give each paper k allowed reviewers,
    or None if there is none."""
    n_papers, n_reviewers = scores.shape
    choices = [
        itertools.combinations(np.flatnonzero(~forbidden[paper]).tolist(), int(k[paper]))
        for paper in range(n_papers)
    ]
    best = None
    for assignment in itertools.product(*choices):
        pairs = {(p, r) for p, reviewers in enumerate(assignment) for r in reviewers}
        per_reviewer = np.bincount([r for _, r in pairs], minlength=n_reviewers)
        if (per_reviewer > loads).any() or not {tuple(pair) for pair in locked} <= pairs:
            continue
        if institution is not None:
            places = [(p, institution[r]) for p, r in pairs if institution[r] >= 0]
            if len(places) != len(set(places)):
                continue
        total = sum(float(scores[p, r]) for p, r in pairs)
        best = total if best is None else max(best, total)
    return best


def assert_constraints_hold(*, pairs, forbidden, k, loads, locked=(), institution=None):
    n_papers, n_reviewers = forbidden.shape
    assert pairs.dtype == np.int32
    assert pairs.tolist() == sorted(pairs.tolist())
    assert len({tuple(pair) for pair in pairs.tolist()}) == len(pairs)
    assert np.bincount(pairs[:, 0], minlength=n_papers).tolist() == list(
        np.broadcast_to(k, (n_papers,))
    )
    assert (np.bincount(pairs[:, 1], minlength=n_reviewers) <= loads).all()
    assert not forbidden[pairs[:, 0], pairs[:, 1]].any()
    assert {tuple(pair) for pair in np.asarray(locked).tolist()} <= {
        tuple(pair) for pair in pairs.tolist()
    }
    if institution is not None:
        places = [(p, institution[r]) for p, r in pairs.tolist() if institution[r] >= 0]
        assert len(places) == len(set(places))


def random_instance(*, seed, n_papers, n_reviewers, max_k=3, forbidden_rate=0.2):
    """Integer-valued scores, so every optimum has the same exact float total."""
    rng = np.random.default_rng(seed)
    return {
        "scores": rng.integers(-5, 60, (n_papers, n_reviewers)).astype(np.float32),
        "forbidden": rng.random((n_papers, n_reviewers)) < forbidden_rate,
        "k": rng.integers(0, max_k + 1, n_papers),
        "loads": rng.integers(0, 2 * max_k + 2, n_reviewers),
    }


def constraints_of(instance):
    return {key: value for key, value in instance.items() if key != "scores"}


def solve_or_none(**instance):
    try:
        return solve_assignment(**instance)
    except InfeasibleAssignment:
        return None


@st.composite
def tiny_instances(draw):
    n_papers = draw(st.integers(1, 3))
    n_reviewers = draw(st.integers(1, 4))
    shape = (n_papers, n_reviewers)
    scores = np.array(
        draw(
            st.lists(
                st.integers(-3, 9), min_size=n_papers * n_reviewers, max_size=n_papers * n_reviewers
            )
        ),
        dtype=np.float32,
    )
    forbidden = np.array(draw(st.lists(st.booleans(), min_size=scores.size, max_size=scores.size)))
    instance = {
        "scores": scores.reshape(shape),
        "forbidden": forbidden.reshape(shape),
        "k": np.array(draw(st.lists(st.integers(0, 2), min_size=n_papers, max_size=n_papers))),
        "loads": np.array(
            draw(st.lists(st.integers(0, 3), min_size=n_reviewers, max_size=n_reviewers))
        ),
    }
    if draw(st.booleans()):
        instance["institution"] = np.array(
            draw(st.lists(st.integers(-1, 1), min_size=n_reviewers, max_size=n_reviewers))
        )
    allowed = np.argwhere(~instance["forbidden"]).tolist()
    if allowed and draw(st.booleans()):
        instance["locked"] = [draw(st.sampled_from(allowed))]
    return instance


@settings(max_examples=150, deadline=None)
@given(instance=tiny_instances(), candidates_per_paper=st.sampled_from([1, 2, 30]))
def test_solve_assignment_matches_brute_force_on_tiny_instances(instance, candidates_per_paper):
    expected = brute_force_optimum(**instance)
    result = solve_or_none(**instance, candidates_per_paper=candidates_per_paper)
    if expected is None:
        assert result is None
        assert explain_infeasibility(**constraints_of(instance))
        return
    assert result.objective == expected
    assert result.certified
    assert_constraints_hold(pairs=result.pairs, **constraints_of(instance))


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("candidates_per_paper", [1, 3, 30])
def test_solve_assignment_matches_milp_on_small_instances(seed, candidates_per_paper):
    instance = random_instance(seed=seed, n_papers=25, n_reviewers=15)
    rng = np.random.default_rng(100 + seed)
    if seed % 2:
        instance["institution"] = rng.integers(-1, 4, 15)
    if seed % 3 == 0:
        allowed = np.argwhere(~instance["forbidden"] & (instance["k"][:, None] > 0))
        instance["locked"] = allowed[rng.choice(len(allowed), 3, replace=False)]
    expected = milp_optimum(**instance)
    result = solve_or_none(**instance, candidates_per_paper=candidates_per_paper)
    assert (result is None) == (expected is None)
    if result is not None:
        assert result.objective == expected
        assert result.certified
        assert_constraints_hold(pairs=result.pairs, **constraints_of(instance))


@pytest.mark.parametrize("with_institutions", [False, True])
def test_candidate_path_matches_dense_solve_on_medium_instances(with_institutions):
    n_papers, n_reviewers = 300, 120
    rng = np.random.default_rng(7)
    papers = rng.dirichlet(np.full(8, 0.2), n_papers)
    reviewers = rng.dirichlet(np.full(8, 0.3), n_reviewers)
    instance = {
        "scores": np.round(1000 * papers @ reviewers.T + rng.integers(0, 50, (300, 120))).astype(
            np.float32
        ),
        "forbidden": rng.random((n_papers, n_reviewers)) < 0.05,
        "k": np.where(np.arange(n_papers) < 100, 4, 3),  # two tracks
        "loads": np.full(n_reviewers, 9),
        "locked": [(0, 5), (1, 5), (2, 7)],
        "institution": rng.integers(-1, 30, n_reviewers) if with_institutions else None,
    }
    instance["forbidden"][[0, 1, 2], [5, 5, 7]] = False
    dense = solve_assignment(**instance, candidates_per_paper=n_reviewers)
    sparse = solve_assignment(**instance, candidates_per_paper=1)
    assert dense.rounds == 1
    assert sparse.rounds > 2
    assert sparse.certified and dense.certified
    assert sparse.candidate_pairs < n_papers * n_reviewers // 4
    assert sparse.objective == dense.objective
    assert_constraints_hold(pairs=sparse.pairs, **constraints_of(instance))


def test_solve_assignment_uncertified_when_rounds_run_out():
    instance = random_instance(seed=3, n_papers=60, n_reviewers=30, forbidden_rate=0.05)
    instance["k"] = np.full(60, 2)
    instance["loads"] = np.full(30, 5)
    optimum = solve_assignment(**instance).objective
    result = solve_assignment(**instance, candidates_per_paper=1, max_rounds=4)
    assert result.rounds == 4
    assert not result.certified
    assert result.objective < optimum
    assert_constraints_hold(pairs=result.pairs, **constraints_of(instance))


def test_solve_assignment_keeps_locked_pair_with_low_score():
    scores = np.array([[9.0, 1.0], [8.0, 2.0]], dtype=np.float32)
    result = solve_assignment(
        scores=scores, forbidden=np.zeros((2, 2), bool), k=1, loads=[1, 1], locked=[(0, 1)]
    )
    assert result.pairs.tolist() == [[0, 1], [1, 0]]
    assert result.objective == 9.0


def test_solve_assignment_one_reviewer_per_institution():
    scores = np.array([[5.0, 4.0, 1.0]], dtype=np.float32)
    result = solve_assignment(
        scores=scores,
        forbidden=np.zeros((1, 3), bool),
        k=2,
        loads=[1, 1, 1],
        institution=[3, 3, -1],
    )
    assert result.pairs.tolist() == [[0, 0], [0, 2]]
    assert result.objective == 6.0


def test_solve_assignment_empty_instance():
    result = solve_assignment(
        scores=np.zeros((2, 0), np.float32), forbidden=np.zeros((2, 0), bool), k=0, loads=[]
    )
    assert result.pairs.shape == (0, 2)
    assert result.objective == 0.0
    assert result.certified


def test_solve_assignment_reports_progress_up_to_one():
    instance = random_instance(seed=4, n_papers=30, n_reviewers=20, forbidden_rate=0.0)
    instance["loads"] = np.full(20, 6)
    seen = []
    solve_assignment(**instance, progress=lambda fraction, message: seen.append(fraction))
    assert seen[0] == 0.0
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


def test_solve_assignment_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"scores must have shape \(2, 3\)"):
        solve_assignment(
            scores=np.zeros((3, 2), np.float32),
            forbidden=np.zeros((2, 3), bool),
            k=1,
            loads=[1] * 3,
        )


def test_infeasibility_paper_short_of_reviewers():
    forbidden = np.array([[False, True, False], [False, False, False]])
    expected = ["Paper 1 has 2 conflict-free reviewers for 3 slots."]
    arguments = {"forbidden": forbidden, "k": [3, 1], "loads": [2, 2, 2]}
    assert explain_infeasibility(**arguments) == expected
    with pytest.raises(InfeasibleAssignment) as raised:
        solve_assignment(scores=np.zeros((2, 3), np.float32), **arguments)
    assert raised.value.reasons == expected


def test_infeasibility_total_capacity():
    reasons = explain_infeasibility(forbidden=np.zeros((3, 4), bool), k=2, loads=[1, 1, 1, 1])
    assert reasons == ["Total reviewer capacity 4 < 6 reviews needed."]


def test_infeasibility_papers_together_short_of_capacity():
    forbidden = np.array([[False, True, True], [False, True, True], [True, False, False]])
    arguments = {
        "forbidden": forbidden,
        "k": 1,
        "loads": [1, 1, 1],
        "paper_labels": ["Paper A", "Paper B", "Paper C"],
        "reviewer_labels": ["Ada", "Bob", "Cy"],
    }
    expected = [
        "Paper A and Paper B need 2 reviews together, but their conflict-free reviewers can "
        "give them at most 1; raise the load of Ada, or clear conflicts for these papers."
    ]
    assert explain_infeasibility(**arguments) == expected
    with pytest.raises(InfeasibleAssignment) as raised:
        solve_assignment(scores=np.ones((3, 3), np.float32), **arguments)
    assert raised.value.reasons == expected


def test_infeasibility_papers_together_with_candidates_grown_across_the_cut():
    n_papers, n_reviewers = 40, 50
    forbidden = np.zeros((n_papers, n_reviewers), bool)
    forbidden[:3, 2:] = True  # papers 1-3 may only go to reviewers 1 and 2
    loads = np.full(n_reviewers, 3)
    loads[:2] = 2
    scores = np.zeros((n_papers, n_reviewers), np.float32)
    scores[3:, :2] = 10.0  # other papers prefer reviewers 1 and 2 too
    expected = [
        "Paper 1, Paper 2 and Paper 3 need 6 reviews together, but their conflict-free "
        "reviewers can give them at most 4; raise the load of Reviewer 1 and Reviewer 2, "
        "or clear conflicts for these papers."
    ]
    arguments = {"forbidden": forbidden, "k": 2, "loads": loads, "candidates_per_paper": 1}
    assert explain_infeasibility(**arguments) == expected
    with pytest.raises(InfeasibleAssignment) as raised:
        solve_assignment(scores=scores, **arguments)
    assert raised.value.reasons == expected


def test_infeasibility_papers_together_counts_more_reviews_after_locks():
    forbidden = np.array([[False, False, True], [False, True, True], [True, False, False]])
    reasons = explain_infeasibility(
        forbidden=forbidden, k=[2, 1, 1], loads=[1, 1, 2], locked=[(0, 1)]
    )
    assert reasons == [
        "Paper 1 and Paper 2 need 2 more reviews together, but their conflict-free reviewers "
        "can give them at most 1; raise the load of Reviewer 1, or clear conflicts for these "
        "papers."
    ]


def test_infeasibility_institution_rule_on_one_paper():
    reasons = explain_infeasibility(
        forbidden=np.zeros((1, 3), bool), k=2, loads=[1, 1, 1], institution=[4, 4, 4]
    )
    assert reasons == [
        "Paper 1 has 3 conflict-free reviewers for 2 slots, but only 1 of them can review it "
        "together (one reviewer per institution)."
    ]


def test_infeasibility_locks_that_cannot_be_kept():
    forbidden = np.zeros((2, 3), bool)
    forbidden[1, 2] = True
    reasons = explain_infeasibility(
        forbidden=forbidden,
        k=[1, 2],
        loads=[1, 3, 3],
        locked=[(0, 0), (0, 1), (1, 0), (1, 2)],
        institution=[-1, 7, 7],
    )
    assert reasons == [
        "Paper 2 is locked to Reviewer 3, but that pair is forbidden (a conflict or an "
        "unwilling bid); remove the lock or the conflict.",
        "Paper 1 has 2 locked reviewers for 1 slot.",
        "Reviewer 1 has 2 locked papers but a load of 1.",
    ]
    clash = explain_infeasibility(
        forbidden=np.zeros((1, 3), bool),
        k=3,
        loads=[1, 1, 1],
        locked=[(0, 1), (0, 2)],
        institution=[-1, 7, 7],
    )
    assert clash == [
        "Paper 1 is locked to Reviewer 2 and Reviewer 3, who share institution 7; at most "
        "one reviewer per institution may review a paper."
    ]


def test_explain_infeasibility_empty_when_feasible():
    assert explain_infeasibility(forbidden=np.zeros((4, 3), bool), k=2, loads=[3, 3, 2]) == []


def run_cli(*arguments):
    return subprocess.run(
        [sys.executable, "-m", "reviews.assignment", *arguments],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_solver_imports_no_django():
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, reviews.assignment; print(sorted(m for m in sys.modules if 'django' in m))",
        ],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=True,
    )
    assert completed.stdout == "[]\n"


def test_cli_round_trip(tmp_path):
    instance = random_instance(seed=5, n_papers=20, n_reviewers=12, forbidden_rate=0.1)
    instance["k"] = np.array(2)
    instance["loads"] = np.full(12, 5)
    instance["institution"] = np.arange(12) % 4 - 1
    np.savez(
        tmp_path / "instance.npz",
        scores=instance["scores"],
        conflicts=instance["forbidden"],
        k=instance["k"],
        loads=instance["loads"],
        institution=instance["institution"],
    )
    completed = run_cli(str(tmp_path / "instance.npz"), "--out", str(tmp_path / "pairs.json"))
    expected = solve_assignment(**instance)
    assert completed.returncode == 0, completed.stderr
    assert json.loads((tmp_path / "pairs.json").read_text()) == expected.pairs.tolist()
    assert f"Objective: {expected.objective:.6f}" in completed.stdout
    assert "Certified optimal: yes" in completed.stdout
    assert "Time: " in completed.stdout


def test_cli_infeasible_prints_reasons_and_exits_2(tmp_path):
    np.savez(
        tmp_path / "instance.npz",
        scores=np.ones((2, 2), np.float32),
        conflicts=np.array([[False, True], [False, False]]),
        k=np.array([2, 1]),
        loads=np.array([2, 2]),
    )
    completed = run_cli(str(tmp_path / "instance.npz"), "--out", str(tmp_path / "pairs.json"))
    assert completed.returncode == 2
    assert completed.stdout == (
        "No feasible assignment:\n- Paper 1 has 1 conflict-free reviewer for 2 slots.\n"
    )
    assert not (tmp_path / "pairs.json").exists()
