import numpy as np
import pytest

from reviews.affinity import compute_affinity

PAPER = "Mixture of experts routing for efficient long context inference. Sparse expert layers."
EXPERT = "Sparse mixture of experts; expert routing; efficient inference for long context"
OUTSIDER = "Protein folding with graph neural networks; molecular dynamics"


def affinity(paper_texts, reviewer_texts, paper_topics=None, reviewer_topics=None, **weights):
    return compute_affinity(
        paper_texts=paper_texts,
        reviewer_texts=reviewer_texts,
        paper_topics=paper_topics or [set() for _ in paper_texts],
        reviewer_topics=reviewer_topics or [set() for _ in reviewer_texts],
        **weights,
    )


def test_compute_affinity_matching_publications_score_higher():
    scores = affinity([PAPER], [OUTSIDER, EXPERT], text_weight=1.0, topic_weight=0.0)
    assert (scores[0, 1] > 0.3, scores[0, 0] == 0.0) == (True, True)


def test_compute_affinity_identical_text_scores_one():
    scores = affinity([PAPER], [PAPER], text_weight=1.0, topic_weight=0.0)
    assert scores[0, 0] == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize(
    ("paper_topics", "reviewer_topics", "expected"),
    [
        ({"moe", "long-context"}, {"moe"}, 0.5),
        ({"moe", "long-context"}, {"moe", "long-context", "rag"}, 1.0),
        ({"moe"}, {"rag"}, 0.0),
        ({"moe"}, set(), 0.0),
        (set(), {"moe"}, 0.0),
        ({1, 2, 3, 4}, {4}, 0.25),
    ],
)
def test_compute_affinity_topic_overlap_is_fraction_of_paper_topics(
    paper_topics, reviewer_topics, expected
):
    scores = affinity(
        [PAPER], [OUTSIDER], [paper_topics], [reviewer_topics], text_weight=0.0, topic_weight=1.0
    )
    assert scores[0, 0] == pytest.approx(expected)


def test_compute_affinity_combines_text_and_topics_with_weights():
    text_only = affinity([PAPER], [EXPERT], text_weight=1.0, topic_weight=0.0)[0, 0]
    combined = affinity([PAPER], [EXPERT], [{"a", "b"}], [{"a"}])[0, 0]
    assert combined == pytest.approx(0.7 * text_only + 0.3 * 0.5, abs=1e-6)


def test_compute_affinity_reviewer_without_expertise_scores_zero_text():
    scores = affinity([PAPER, ""], ["", EXPERT], text_weight=1.0, topic_weight=0.0)
    assert (scores[0, 0], scores[1, 0], scores[1, 1], bool(np.isnan(scores).any())) == (
        0.0,
        0.0,
        0.0,
        False,
    )


@pytest.mark.parametrize(
    ("paper_texts", "reviewer_texts"),
    [
        pytest.param(["", ""], ["", "", ""], id="all-empty"),
        pytest.param(["the and of", "it is"], ["a an", ""], id="only-stop-words"),
    ],
)
def test_compute_affinity_corpus_without_words_uses_topics_only(paper_texts, reviewer_texts):
    scores = affinity(
        paper_texts,
        reviewer_texts,
        [{"moe"}, {"rag", "moe"}],
        [{"moe"}, set(), {"rag"}][: len(reviewer_texts)],
    )
    expected = np.array([[0.3, 0.0, 0.0], [0.15, 0.0, 0.15]], dtype=np.float32)
    np.testing.assert_allclose(scores, expected[:, : len(reviewer_texts)], atol=1e-7)


@pytest.mark.parametrize(
    ("n_papers", "n_reviewers"),
    [(0, 3), (2, 0), (0, 0)],
    ids=["no-papers", "no-reviewers", "neither"],
)
def test_compute_affinity_no_papers_or_reviewers_is_empty(n_papers, n_reviewers):
    scores = affinity([PAPER] * n_papers, [EXPERT] * n_reviewers)
    assert (scores.shape, scores.dtype) == ((n_papers, n_reviewers), np.float32)


def test_compute_affinity_shape_dtype_and_range():
    scores = affinity(
        [PAPER, OUTSIDER, "Retrieval augmented generation"],
        [EXPERT, OUTSIDER],
        [{"moe"}, {"bio"}, {"rag"}],
        [{"moe", "rag"}, {"bio"}],
    )
    assert (scores.shape, scores.dtype, bool(scores.min() >= 0), bool(scores.max() <= 1)) == (
        (3, 2),
        np.float32,
        True,
        True,
    )


def test_compute_affinity_deterministic():
    arguments = {
        "paper_texts": [PAPER, OUTSIDER],
        "reviewer_texts": [EXPERT, OUTSIDER, ""],
        "paper_topics": [{"moe", "long-context"}, {"bio"}],
        "reviewer_topics": [{"moe"}, {"bio"}, set()],
    }
    assert np.array_equal(compute_affinity(**arguments), compute_affinity(**arguments))


def test_compute_affinity_blocks_match_single_pass_and_report_progress():
    papers = [PAPER, OUTSIDER, "Sparse attention for long context", "Graph neural networks", ""]
    reviewers = [EXPERT, OUTSIDER, "Attention"]
    topics = [{"moe"}, {"bio"}, {"long-context"}, {"bio", "moe"}, set()]
    reviewer_topics = [{"moe", "long-context"}, {"bio"}, set()]
    calls = []
    blocked = compute_affinity(
        paper_texts=papers,
        reviewer_texts=reviewers,
        paper_topics=topics,
        reviewer_topics=reviewer_topics,
        block_cells=6,
        progress=lambda done, total: calls.append((done, total)),
    )
    whole = compute_affinity(
        paper_texts=papers,
        reviewer_texts=reviewers,
        paper_topics=topics,
        reviewer_topics=reviewer_topics,
    )
    assert (np.array_equal(blocked, whole), calls) == (True, [(2, 5), (4, 5), (5, 5)])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(
            {"paper_texts": [PAPER], "paper_topics": []}, "one entry per paper", id="topics"
        ),
        pytest.param({"text_weight": 0.8, "topic_weight": 0.3}, "sum to at most 1", id="sum"),
        pytest.param({"text_weight": -0.1}, "non-negative", id="negative"),
    ],
)
def test_compute_affinity_rejects_bad_arguments(arguments, message):
    defaults = {
        "paper_texts": [PAPER],
        "reviewer_texts": [EXPERT],
        "paper_topics": [set()],
        "reviewer_topics": [set()],
    }
    with pytest.raises(ValueError, match=message):
        compute_affinity(**{**defaults, **arguments})
