"""One conference with every kind of person and object the site's URLs can name.

The target paper (#1, Tiny track) is where every role differs: its author and co-author, a
chair who is also its author, a chair and an assigned reviewer who are conflicted with it, an
assigned reviewer with a submitted review and a comment, and a reviewer assigned elsewhere.
Papers are created through the submission service with a real PDF, so file versions,
thumbnails and the emails the service queues are real rows; the rest are real rows too.

The people's names and email domains are distinctive words, so that a leak is found by a plain
substring search.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conference.models import CommitteeMembership, Conference, Deadline
from notifications.models import OutgoingEmail
from reviews import assignment_service, committee, conflict_sync, decisions, discussion
from reviews.models import Conflict, Invitation, Review
from submissions import services, uploads
from submissions.models import Submission
from tests.factories import (
    ConferenceFactory,
    DeadlineFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)
from tests.submissions.pdf_corpus import make_paper

ROLES = (
    "anonymous",
    "outsider",
    "author",
    "coauthor",
    "reviewer",
    "reviewer_unassigned",
    "reviewer_conflicted",
    "chair",
    "chair_author",
    "chair_conflicted",
)
AUTHORS = ("author", "coauthor", "chair_author")
REVIEWERS = ("reviewer", "reviewer_unassigned", "reviewer_conflicted")
CHAIRS = ("chair", "chair_author", "chair_conflicted")

# Distinctive words, so that a leak is found by a plain substring search.
# Distinctive words, so that a leak is found by a plain substring search; one mail domain each,
# so that no institutional conflict arises that the world does not state.
PEOPLE = {
    "outsider": ("Otto Outsiderwick", "otto@outsiderwick.example"),
    "author": ("Ada Authorvale", "ada@authorvale.example"),
    "coauthor": ("Corin Coauthorby", "corin@coauthorby.example"),
    "reviewer": ("Rhea Reviewquist", "rhea@reviewquist.example"),
    "reviewer_unassigned": ("Ulf Unassignedson", "ulf@unassignedson.example"),
    "reviewer_conflicted": ("Cora Conflictreviewer", "cora@conflictreviewer.example"),
    "chair": ("Chloe Chairwood", "chloe@chairwood.example"),
    "chair_author": ("Aubrey Chairauthor", "aubrey@chairauthor.example"),
    "chair_conflicted": ("Conrad Conflictchair", "conrad@conflictchair.example"),
    "other_author": ("Otis Otherpaper", "otis@otherpaper.example"),
}
TARGET_TITLE = "Zanzibar Sparse Attention for Targeted Contexts"
CONFIDENTIAL = "CONFIDENTIAL-ZEBRA-NOTE for the chairs only"
COMMENT = "Discussion remark QUOKKA about the ablation"
DECISION_NOTE = "Meta-review PELICAN: out of scope for the workshop"
ABSTRACT = (
    "We study sparse attention for long contexts and show that a learned router keeps "
    "accuracy while cutting the cost of attention by half on long-document benchmarks."
)


@dataclass
class World:
    conference: Conference
    people: dict
    target: Submission
    papers: dict
    kwargs: dict
    review: Review
    invitation: Invitation
    conflict: Conflict

    def user(self, role):
        return self.people.get(role)


def person(role):
    name, email = PEOPLE[role]
    return UserFactory(full_name=name, email=email)


def pdf_upload(track, *, title, authors):
    uploaded = SimpleUploadedFile(
        "paper.pdf",
        make_paper(body_pages=2, ref_pages=1, title=title),
        content_type="application/pdf",
    )
    return uploads.check_paper(
        uploaded=uploaded,
        track=track,
        author_names=[a.full_name for a in authors],
        author_emails=[a.email for a in authors],
    )


def submit_paper(conference, *, track, title, authors, submit=True):
    """A paper created by its first author through the submission service, with a real PDF."""
    checked = pdf_upload(track, title=title, authors=authors)
    assert checked.error is None, checked.error
    result = services.save_submission(
        actor=authors[0],
        conference=conference,
        fields=services.PaperFields(
            track=track,
            title=title,
            abstract=ABSTRACT,
            topics=list(conference.topics.all()[:1]),
            confirms_anonymized=True,
            confirms_not_published=True,
        ),
        authors=[
            services.AuthorEntry(name=a.full_name, email=a.email, is_contact=index == 0)
            for index, a in enumerate(authors)
        ],
        submit=submit,
        checked_uploads=[checked],
    )
    return result.submission


def build_world(slug="secworld"):
    today = date.today()
    conference = ConferenceFactory(slug=slug, name="Security World Workshop", short_name="SWW")
    for kind, days in (
        (Deadline.Kind.SUBMISSION, 10),
        (Deadline.Kind.BIDDING, 20),
        (Deadline.Kind.REVIEW, 30),
        (Deadline.Kind.NOTIFICATION, 40),
        (Deadline.Kind.CAMERA_READY, 50),
    ):
        DeadlineFactory(conference=conference, kind=kind, local_date=today + timedelta(days=days))
    conference.tracks.update(reviews_per_paper=1)
    tiny, main = conference.tracks.order_by("order")

    people = {"anonymous": None}
    for role in ("outsider", "author", "coauthor", "other_author"):
        people[role] = person(role)
    for role in REVIEWERS:
        people[role] = make_reviewer(conference, user=person(role))
    for role in CHAIRS:
        people[role] = make_chair(conference, user=person(role))
    author, chair = people["author"], people["chair"]

    target = submit_paper(
        conference,
        track=tiny,
        title=TARGET_TITLE,
        authors=[author, people["coauthor"], people["chair_author"]],
    )
    papers = {
        "target": target,
        "tiny_other": submit_paper(
            conference,
            track=tiny,
            title="Ordinary Tiny Paper on Routing",
            authors=[people["other_author"]],
        ),
        "main": submit_paper(
            conference,
            track=main,
            title="Ordinary Main Paper on Quantization",
            authors=[people["other_author"]],
        ),
        "main_draft": submit_paper(
            conference,
            track=main,
            title="Ordinary Draft on Distillation",
            authors=[people["other_author"]],
            submit=False,
        ),
    }

    for role in ("reviewer", "reviewer_conflicted"):
        assignment_service.assign_reviewer(actor=chair, submission=target, reviewer=people[role])
    assignment_service.assign_reviewer(
        actor=chair, submission=papers["tiny_other"], reviewer=people["reviewer_unassigned"]
    )
    # Found after the assignment: the conflicted reviewer keeps an Assignment row.
    conflict = conflict_sync.add_conflict(
        actor=chair,
        submission=target,
        user=people["reviewer_conflicted"],
        reason="Former advisor of the first author.",
    )
    conflict_sync.add_conflict(
        actor=chair,
        submission=target,
        user=people["chair_conflicted"],
        reason="Same lab as the first author.",
    )

    review = Review.objects.create(
        submission=target,
        reviewer=people["reviewer"],
        state=Review.State.SUBMITTED,
        summary="Summary: a linear-time router for attention.",
        strengths="Clear writing.",
        weaknesses="Few baselines.",
        questions="What about 1M tokens?",
        rating=6,
        confidence=3,
        confidential_comment=CONFIDENTIAL,
        submitted_at=timezone.now(),
    )
    discussion.post_comment(author=people["reviewer"], submission=target, body=COMMENT)
    discussion.send_discussion_digests(now=timezone.now() + timedelta(hours=2))
    decisions.set_decision(
        actor=chair,
        submission=papers["main"],
        outcome="reject",
        note=DECISION_NOTE,
        expected_version=0,
    )

    invitation = committee.invite(
        actor=chair,
        conference=conference,
        name="Ines Inviteeworth",
        email="ines.inviteeworth@reviewers.example",
    )
    job = assignment_service.start_assignment_run(
        conference=conference,
        actor=chair,
        affinity_weight=1.0,
        bid_weight=1.0,
        one_per_institution=False,
    )
    email = OutgoingEmail.objects.filter(conference=conference, to__contains=[author.email]).first()
    membership = CommitteeMembership.objects.get(conference=conference, user=people["reviewer"])

    kwargs = {
        "conference_slug": conference.slug,
        "number": target.number,
        "kind": "paper",
        "revision": 1,
        "page": 1,
        "email_id": email.pk,
        "membership_id": membership.pk,
        "invitation_id": invitation.pk,
        "token": committee.invitation_token(invitation),
        "conflict_id": conflict.pk,
        "job_id": job.pk,
        "reviewer_id": people["reviewer"].pk,
        "user_id": author.pk,
    }
    return World(
        conference=conference,
        people=people,
        target=target,
        papers=papers,
        kwargs=kwargs,
        review=review,
        invitation=invitation,
        conflict=conflict,
    )
