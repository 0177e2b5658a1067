"""What the paper views share: finding a paper the viewer may see, and the page strip."""

import base64

from django.http import Http404
from django.shortcuts import reverse

from conference.access import require
from submissions.queries import visible_submissions

STRIP_LABELS = {"body": "Body", "references": "References", "appendix": "Appendix"}


def get_paper(user, conference, number, perm="submissions.view"):
    """The paper with this number if the user may see it (and holds `perm`), else 404."""
    submission = (
        visible_submissions(user, conference)
        .select_related("conference", "track")
        .filter(number=number)
        .first()
    )
    if submission is None:
        raise Http404("Not found.")
    submission.conference = conference
    require(user, perm, submission)
    return submission


def strip_pages(facts, *, body_limit, images):
    """One entry per thumbnail: page number, its label, whether it is over the body limit."""
    labels = facts.get("page_labels") or []
    pages = []
    body_seen = 0
    for index, image in enumerate(images):
        label = labels[index] if index < len(labels) else "body"
        if label == "body":
            body_seen += 1
        pages.append(
            {
                "number": index + 1,
                "label": label,
                "label_text": STRIP_LABELS.get(label, label.title()),
                "over": label == "body"
                and body_seen > body_limit
                and facts.get("body_pages") is not None,
                "src": image,
            }
        )
    return pages


def inline_images(pngs):
    return ["data:image/png;base64," + base64.b64encode(png).decode() for png in pngs]


def thumbnail_urls(submission, file):
    return [
        reverse(
            "submissions:thumbnail",
            kwargs={
                "conference_slug": submission.conference.slug,
                "number": submission.number,
                "revision": file.revision,
                "page": page,
            },
        )
        for page in range(1, file.thumbnail_count + 1)
    ]
