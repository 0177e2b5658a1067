"""How well each reviewer's expertise fits each paper, for assignment.

affinity = text_weight * cosine(TF-IDF of paper text, TF-IDF of reviewer text)
         + topic_weight * (fraction of the paper's topics the reviewer claims)

With non-negative weights summing to at most 1 the result lies in [0, 1].
Pure: texts and topic sets in, a float32 (papers, reviewers) array out.
"""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

# Cells computed at once by default: bounds the temporary sparse product
# (~50 MB) whatever the number of papers.
BLOCK_CELLS = 4_000_000


def _tfidf(*, paper_texts, reviewer_texts):
    """L2-normalized TF-IDF rows fitted on papers and reviewers together, or
    None when no text has a single indexable word (sklearn refuses an empty
    vocabulary). Empty texts get zero rows, hence zero similarity."""
    vectorizer = TfidfVectorizer(
        stop_words="english", sublinear_tf=True, ngram_range=(1, 2), dtype=np.float32
    )
    texts = list(paper_texts) + list(reviewer_texts)
    analyze = vectorizer.build_analyzer()
    if not any(analyze(text) for text in texts):
        return None
    matrix = vectorizer.fit_transform(texts).tocsr()
    return matrix[: len(paper_texts)], matrix[len(paper_texts) :].T.tocsr()


def _topic_matrices(*, paper_topics, reviewer_topics):
    """Paper rows weighted 1/len(topics) and 0/1 reviewer columns, so that
    their product is the fraction of each paper's topics a reviewer claims."""
    columns = {}
    for topics in (*paper_topics, *reviewer_topics):
        for topic in topics:
            columns.setdefault(topic, len(columns))
    papers = np.zeros((len(paper_topics), len(columns)), dtype=np.float32)
    for row, topics in enumerate(paper_topics):
        for topic in topics:
            papers[row, columns[topic]] = 1.0 / len(topics)
    reviewers = np.zeros((len(columns), len(reviewer_topics)), dtype=np.float32)
    for column, topics in enumerate(reviewer_topics):
        for topic in topics:
            reviewers[columns[topic], column] = 1.0
    return papers, reviewers


def compute_affinity(
    *,
    paper_texts,
    reviewer_texts,
    paper_topics,
    reviewer_topics,
    text_weight=0.7,
    topic_weight=0.3,
    progress=None,
    block_cells=BLOCK_CELLS,
):
    """Affinity of every paper (rows) to every reviewer (columns), float32 in
    [0, 1].

    A paper's text is its title, abstract and keywords; a reviewer's is their
    publication titles, keywords and topic names. The default weights favour
    text, which tells more than a handful of coarse topics. A paper without
    topics scores 0 overlap. Rows are filled in blocks of about `block_cells`
    cells; `progress(done_papers, total_papers)` is called after each block.
    """
    if len(paper_texts) != len(paper_topics) or len(reviewer_texts) != len(reviewer_topics):
        raise ValueError("texts and topics must have one entry per paper and per reviewer")
    if text_weight < 0 or topic_weight < 0 or text_weight + topic_weight > 1 + 1e-6:
        raise ValueError("weights must be non-negative and sum to at most 1")
    n_papers, n_reviewers = len(paper_texts), len(reviewer_texts)
    affinity = np.zeros((n_papers, n_reviewers), dtype=np.float32)
    if n_papers == 0 or n_reviewers == 0:
        return affinity
    tfidf = _tfidf(paper_texts=paper_texts, reviewer_texts=reviewer_texts)
    paper_topic_rows, reviewer_topic_columns = _topic_matrices(
        paper_topics=paper_topics, reviewer_topics=reviewer_topics
    )
    rows_per_block = max(1, block_cells // n_reviewers)
    for start in range(0, n_papers, rows_per_block):
        stop = min(start + rows_per_block, n_papers)
        block = affinity[start:stop]
        if tfidf is not None:
            papers, reviewers_transposed = tfidf
            block += (papers[start:stop] @ reviewers_transposed).toarray()
            block *= text_weight
        block += topic_weight * (paper_topic_rows[start:stop] @ reviewer_topic_columns)
        np.clip(block, 0.0, 1.0, out=block)
        if progress is not None:
            progress(stop, n_papers)
    return affinity
