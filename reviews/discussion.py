"""A paper's discussion: its assigned reviewers and its non-conflicted chairs, nobody else.

New comments reach participants by email as an hourly digest. Comments belong to the UTC hour
in which they were written; once that hour has ended (plus a short grace for transactions
still committing), the beat sweep sends each participant one email with every comment of that
hour they did not write, under the key `discussion:<user>:<hour>`. So a person gets at most one
digest per hour, every comment is announced exactly once, and a rerun sends nothing twice.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from conference.models import CommitteeMembership
from notifications.models import OutgoingEmail
from notifications.services import queue_email
from reviews.markdown import render_markdown
from reviews.models import Assignment, Comment, Conflict
from reviews.queries import letters_by_paper
from submissions.models import Authorship, Submission

MAX_COMMENT_CHARS = 20_000
DOUBLE_POST_WINDOW = timedelta(minutes=2)
DIGEST_GRACE = timedelta(minutes=5)
DIGEST_LOOKBACK_HOURS = 6


class CommentRefused(Exception):
    pass


def not_conflicted(submission):
    return ~Exists(
        Conflict.objects.filter(submission=submission, user=OuterRef("pk"), overridden=False)
    )


def participants(submission):
    """Users who take part in the paper's discussion: assigned reviewers and chairs of its
    conference, minus anyone with a standing conflict and minus the paper's authors."""
    author_emails = Authorship.objects.filter(submission=submission).values("email")
    is_author = Exists(
        Authorship.objects.filter(submission=submission, user=OuterRef("pk"))
    ) | Exists(
        EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
        .annotate(address=Lower("email"))
        .filter(address__in=author_emails)
    )
    assigned = Exists(Assignment.objects.filter(submission=submission, reviewer=OuterRef("pk")))
    chair = Exists(
        CommitteeMembership.objects.filter(
            conference_id=submission.conference_id,
            user=OuterRef("pk"),
            role=CommitteeMembership.Role.CHAIR,
            status=CommitteeMembership.Status.ACCEPTED,
        )
    )
    return (
        User.objects.filter(assigned | chair).filter(not_conflicted(submission)).exclude(is_author)
    )


def post_comment(*, author, submission, body):
    """Add a comment; the hourly digest announces it to the other participants.

    The same text from the same person on the same paper within DOUBLE_POST_WINDOW is taken
    as a double click and answered with the comment already posted; posts on one paper are
    serialized by a row lock so that two simultaneous clicks also make one comment.
    """
    body = (body or "").strip()
    if not body:
        raise CommentRefused("Write something before posting.")
    if len(body) > MAX_COMMENT_CHARS:
        raise CommentRefused(
            f"A comment can have at most {MAX_COMMENT_CHARS:,} characters; this one has "
            f"{len(body):,}. Split it into two comments."
        )
    with transaction.atomic():
        Submission.objects.select_for_update().filter(pk=submission.pk).exists()
        earlier = Comment.objects.filter(
            submission=submission,
            author=author,
            body=body,
            created_at__gte=timezone.now() - DOUBLE_POST_WINDOW,
        ).first()
        return earlier or Comment.objects.create(submission=submission, author=author, body=body)


def comments_of(submission):
    return Comment.objects.filter(submission=submission).select_related("author")


@dataclass
class PresentedComment:
    author_label: str
    html: str
    created_at: object
    is_own: bool


def author_label(comment, *, letters, viewer_is_chair, viewer):
    """How a comment's author is named: chairs see names, reviewers see letters for reviewers."""
    reviewer_letter = letters.get(comment.author_id)
    if comment.author_id == viewer.pk:
        return f"You (Reviewer {reviewer_letter})" if reviewer_letter else "You"
    if reviewer_letter is None:
        return f"Program chair {comment.author}" if viewer_is_chair else "Program chair"
    if viewer_is_chair:
        return f"Reviewer {reviewer_letter} ({comment.author})"
    return f"Reviewer {reviewer_letter}"


def present_comments(comments, *, letters, viewer, viewer_is_chair):
    return [
        PresentedComment(
            author_label=author_label(
                comment, letters=letters, viewer_is_chair=viewer_is_chair, viewer=viewer
            ),
            html=render_markdown(comment.body),
            created_at=comment.created_at,
            is_own=comment.author_id == viewer.pk,
        )
        for comment in comments
    ]


def digest_key(user_id, hour):
    return f"discussion:{user_id}:{hour:%Y%m%d%H}"


def completed_hours(now):
    """The UTC hours whose digests are due at `now`: ended at least DIGEST_GRACE ago, newest
    first, looking back a few hours so that a missed sweep is caught up."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    last_end = hour if now - hour >= DIGEST_GRACE else hour - timedelta(hours=1)
    return [last_end - timedelta(hours=n + 1) for n in range(DIGEST_LOOKBACK_HOURS)]


def send_discussion_digests(*, now):
    """Beat sweep: queue the digests of every completed hour not yet sent. Returns how many."""
    hours = completed_hours(now)
    comments = list(
        Comment.objects.filter(
            created_at__gte=hours[-1], created_at__lt=hours[0] + timedelta(hours=1)
        )
        .select_related("author", "submission__conference")
        .order_by("created_at", "pk")
    )
    if not comments:
        return 0
    papers = {comment.submission_id: comment.submission for comment in comments}
    letters = letters_by_paper(list(papers))
    people = {paper_id: list(participants(paper)) for paper_id, paper in papers.items()}
    chair_ids = set(
        CommitteeMembership.objects.filter(
            conference_id__in={paper.conference_id for paper in papers.values()},
            role=CommitteeMembership.Role.CHAIR,
            status=CommitteeMembership.Status.ACCEPTED,
        ).values_list("conference_id", "user_id")
    )
    # (user, hour) -> paper id -> comments not written by that user
    pending = defaultdict(lambda: defaultdict(list))
    users = {}
    for comment in comments:
        hour = comment.created_at.replace(minute=0, second=0, microsecond=0)
        for person in people[comment.submission_id]:
            if person.pk != comment.author_id:
                users[person.pk] = person
                pending[(person.pk, hour)][comment.submission_id].append(comment)
    already = set(
        OutgoingEmail.objects.filter(
            dedupe_key__in=[digest_key(user_id, hour) for user_id, hour in pending]
        ).values_list("dedupe_key", flat=True)
    )
    queued = 0
    for (user_id, hour), by_paper in pending.items():
        key = digest_key(user_id, hour)
        if key in already:
            continue
        person = users[user_id]
        conferences = {papers[paper_id].conference for paper_id in by_paper}
        entries = []
        for paper_id, paper_comments in by_paper.items():
            paper = papers[paper_id]
            is_chair = (paper.conference_id, user_id) in chair_ids
            entries.append(
                {
                    "paper": paper,
                    "url": reverse(
                        "reviews:chair_paper" if is_chair else "reviews:review",
                        args=[paper.conference.slug, paper.number],
                    )
                    + "#discussion",
                    "comments": [
                        {
                            "author": author_label(
                                comment,
                                letters=letters[paper_id],
                                viewer_is_chair=is_chair,
                                viewer=person,
                            ),
                            "created_at": comment.created_at,
                            "body": comment.body,
                        }
                        for comment in paper_comments
                    ],
                }
            )
        queue_email(
            key=key,
            to=[person.email],
            template="discussion_digest",
            context={"person": person, "entries": entries, "hour": hour},
            conference=conferences.pop() if len(conferences) == 1 else None,
            papers=[entry["paper"] for entry in entries],
        )
        queued += 1
    return queued
