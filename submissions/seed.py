"""Demo papers for the seeded SCOPE conference (a seed hook, see conference/seed_hooks.py).

Idempotent: each paper carries a fixed creation token and is created only when missing. PDFs
are drawn by `demo_pdf` and go through the real check, so the demo shows real facts and strips.
"""

import uuid

from django.db import transaction
from django.utils import timezone

from submissions import uploads
from submissions.demo_pdf import make_demo_pdf
from submissions.models import Authorship, Submission, SubmissionFile
from submissions.pdfcheck import check_pdf

SEED_NAMESPACE = uuid.UUID("5c0be2a5-0000-4000-8000-000000000000")
PAPERS = [
    # (key, first author index, co-author indexes, track order, body pages, state, topics, title)
    (
        "moe-routing",
        0,
        [1],
        2,
        4,
        "submitted",
        [10, 9],
        "Token-Adaptive Expert Routing for Efficient Mixture-of-Experts Inference",
    ),
    ("tiny-kv", 0, [], 1, None, "draft", [1], "A Note on KV-Cache Eviction for Long Contexts"),
    (
        "ssm-distill",
        2,
        [3],
        2,
        5,
        "submitted",
        [3, 6],
        "Distilling Attention into State Space Models without Pre-training Data",
    ),
    (
        "rag-budget",
        3,
        [5],
        1,
        2,
        "submitted",
        [5],
        "Retrieval Budgets for Efficient Contextual Processing",
    ),
    (
        "lora-continual",
        4,
        [0],
        1,
        3,
        "draft",
        [8],
        "Continual Low-Rank Adaptation with Frozen Eight-Bit Weights",
    ),
]
ABSTRACT = (
    "We study how to make foundation models cheaper to run without retraining them. Our method "
    "learns which parts of the computation a token needs and skips the rest, which reduces the "
    "cost of inference by a third at equal accuracy on four benchmarks."
)


def seed_demo_papers(*, conference, people, password):
    authors = people["authors"]
    tracks = {track.order: track for track in conference.tracks.all()}
    topics = {topic.order: topic for topic in conference.topics.all()}
    last = Submission.objects.filter(conference=conference).order_by("-number").first()
    number = last.number if last else 0
    for key, first, coauthors, track_order, body_pages, state, topic_orders, title in PAPERS:
        token = uuid.uuid5(SEED_NAMESPACE, f"{conference.slug}:{key}")
        creator = authors[first]
        if Submission.objects.filter(created_by=creator, creation_token=token).exists():
            continue
        number += 1
        track = tracks[track_order]
        checked = None
        if body_pages is not None:
            data = make_demo_pdf(title=title, body_pages=body_pages, reference_pages=1, seed=number)
            checked = uploads.CheckedUpload(
                kind=SubmissionFile.Kind.PAPER, original_name=f"{key}.pdf", data=data
            )
            facts = check_pdf(data, thumbnails=True)
            checked.facts, checked.thumbnails, checked.sha256 = (
                facts.as_dict(),
                facts.thumbnails,
                facts.sha256,
            )
        _create(
            conference=conference,
            creator=creator,
            token=token,
            number=number,
            track=track,
            title=title,
            state=state,
            topics=[topics[o] for o in topic_orders],
            people=[authors[i] for i in [first, *coauthors]],
            checked=checked,
        )


def _create(*, conference, creator, token, number, track, title, state, topics, people, checked):
    stored = uploads.store(checked, conference=conference) if checked else None
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                conference=conference,
                number=number,
                track=track,
                title=title,
                abstract=ABSTRACT,
                keywords="efficiency, inference",
                state=state,
                first_author_student=people[0].is_student,
                confirms_anonymized=True,
                confirms_not_published=True,
                created_by=creator,
                creation_token=token,
                submitted_at=timezone.now() if state == "submitted" else None,
            )
            submission.topics.set(topics)
            for order, person in enumerate(people, start=1):
                affiliation = person.current_affiliation()
                Authorship.objects.create(
                    submission=submission,
                    order=order,
                    name=person.full_name,
                    email=person.email,
                    affiliation=affiliation.institution if affiliation else "",
                    user=person,
                    is_contact=order == 1,
                )
            if stored:
                SubmissionFile.objects.create(
                    submission=submission,
                    kind=SubmissionFile.Kind.PAPER,
                    revision=1,
                    storage_name=stored.storage_name,
                    original_name=checked.original_name,
                    content_type=uploads.PDF,
                    sha256=checked.sha256,
                    size=checked.size,
                    facts=checked.facts,
                    thumbnail_count=len(stored.thumbnail_names),
                    uploaded_by=creator,
                )
                submission.format_verdict = uploads.paper_verdict(submission.files.get(), track)
                submission.save(update_fields=["format_verdict"])
    except BaseException:
        if stored:
            uploads.discard([stored])
        raise
