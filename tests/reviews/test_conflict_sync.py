"""Conflict sync on real rows: every rule end to end through the database, and who owns which row."""

import pytest
from django.utils import timezone

from accounts.forms import AffiliationFormSet, ProfileForm, PublicationFormSet, RelationFormSet
from accounts.models import Affiliation, Relation
from accounts.services import save_profile
from conference.models import AuditEntry, CommitteeMembership
from reviews import conflict_detection, conflict_sync
from reviews.bidding import save_bid
from reviews.models import BackgroundJob, Bid, Conflict
from tests.factories import (
    AuthorshipFactory,
    ConferenceFactory,
    SubmissionFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)
from tests.reviews.committee_support import (
    conflict_rows,
    paper_by,
    publication,
    relation,
    reviewer_at,
)

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year


@pytest.fixture
def conference():
    return ConferenceFactory()


def recompute(conference):
    return conflict_sync.recompute_conflicts(conference=conference)


def test_recompute_self_conflict_matches_author_without_account_by_email(conference):
    reviewer = make_reviewer(conference, user__email="bob@gmail.com")
    paper_by(conference, name="Robert Smith", email="Bob@Gmail.com ", number=1)

    counts = recompute(conference)

    assert conflict_rows(conference) == [(1, reviewer.email, "self", False)]
    assert counts == {"created": 1, "updated": 0, "removed": 0, "total": 1}
    evidence = Conflict.objects.get().evidence
    assert evidence == (
        "Same person: the reviewer's email bob@gmail.com is an email of author Robert Smith."
    )


def test_recompute_institutional_conflict_from_typed_author_affiliation(conference):
    reviewer = reviewer_at(conference, "Carnegie Mellon University", "cmu.edu")
    paper_by(conference, name="Jane Roe", email="jane@gmail.com", affiliation="CMU", number=1)

    recompute(conference)

    assert conflict_rows(conference) == [(1, reviewer.email, "institutional", False)]


def test_recompute_uses_profile_of_author_matched_by_verified_email(conference):
    """An author listed without an account link is recognised by a verified address, and their
    affiliation history (a past stint at KAIST) counts."""
    reviewer = reviewer_at(conference, "KAIST", "kaist.ac.kr")
    author = UserFactory(email="jane@gmail.com")
    Affiliation.objects.create(
        user=author,
        institution="KAIST",
        email_domain="kaist.ac.kr",
        start_year=2015,
        end_year=YEAR - 1,
    )
    paper_by(conference, name="Jane Roe", email="JANE@gmail.com", number=1)

    recompute(conference)

    assert conflict_rows(conference) == [(1, reviewer.email, "institutional", False)]
    assert "until" in Conflict.objects.get().evidence


def test_recompute_coauthor_from_reviewer_publication(conference):
    reviewer = make_reviewer(conference, user__email="bob@gmail.com")
    publication(reviewer, "Linear attention at scale", year=YEAR - 1, coauthors=["Jane Roe"])
    paper_by(conference, name="Jane Roe", email="jane@gmail.com", number=1)

    recompute(conference)

    assert conflict_rows(conference) == [(1, reviewer.email, "coauthor", False)]


def test_recompute_coauthor_from_earlier_shared_submission(conference):
    reviewer = make_reviewer(conference, user__email="bob@gmail.com")
    earlier = SubmissionFactory(conference=ConferenceFactory(), authors=[reviewer])
    AuthorshipFactory(submission=earlier, order=2, name="Jane Roe", email="jane@gmail.com")
    paper_by(conference, name="Jane Roe", email="jane@gmail.com", number=1)

    recompute(conference)

    rows = [row for row in conflict_rows(conference) if row[0] == 1]
    assert rows == [(1, reviewer.email, "coauthor", False)]


def test_recompute_advisor_from_author_profile(conference):
    reviewer = make_reviewer(conference, user__email="prof@gmail.com")
    student = UserFactory(email="student@gmail.com")
    relation(student, Relation.Kind.ADVISOR, name="Prof X", email="prof@gmail.com")
    SubmissionFactory(conference=conference, authors=[student], number=1)

    recompute(conference)

    assert conflict_rows(conference) == [(1, reviewer.email, "advisor", False)]


def test_recompute_personal_relation_named_by_reviewer(conference):
    reviewer = make_reviewer(conference, user__email="bob@gmail.com")
    relation(reviewer, Relation.Kind.PERSONAL, name="Jane Roe")
    paper_by(conference, name="Jane Roe", email="jane@gmail.com", number=1)

    recompute(conference)

    assert conflict_rows(conference) == [(1, reviewer.email, "personal", False)]
    assert Conflict.objects.get().evidence == (
        "The reviewer lists author Jane Roe as a personal relation (name match)."
    )


def test_recompute_author_declared_reviewer_and_institution(conference):
    declared = make_reviewer(conference, user__email="bob@gmail.com")
    georgia = reviewer_at(conference, "Georgia Tech", "gatech.edu")
    submission = paper_by(conference, name="Jane Roe", email="jane@gmail.com", number=1)
    submission.declared_conflict_users.add(declared)
    submission.declared_conflict_institutions = "Georgia Institute of Technology\n"
    submission.save()

    recompute(conference)

    assert conflict_rows(conference) == sorted(
        [
            (1, declared.email, "author_declared", False),
            (1, georgia.email, "author_declared", False),
        ]
    )
    assert set(Conflict.objects.values_list("source", flat=True)) == {"author"}


def test_recompute_includes_chairs_and_skips_declined_members(conference):
    chair = make_chair(conference, user__email="chair@gmail.com")
    declined = make_reviewer(
        conference, user__email="gone@gmail.com", status=CommitteeMembership.Status.DECLINED
    )
    paper_by(conference, name="A", email="chair@gmail.com", number=1)
    paper_by(conference, name="B", email="gone@gmail.com", number=2)

    recompute(conference)

    assert conflict_rows(conference) == [(1, chair.email, "self", False)]
    assert declined.conflicts.count() == 0


def test_recompute_removes_conflicts_whose_rule_no_longer_holds(conference):
    reviewer = reviewer_at(conference, "Carnegie Mellon University", "cmu.edu")
    paper_by(conference, name="Jane Roe", email="jane@cmu.edu", number=1)
    recompute(conference)
    assert len(conflict_rows(conference)) == 1

    Affiliation.objects.filter(user=reviewer).update(end_year=YEAR - 10, start_year=YEAR - 14)
    counts = recompute(conference)

    assert conflict_rows(conference) == []
    assert counts == {"created": 0, "updated": 0, "removed": 1, "total": 0}


def test_recompute_keeps_override_and_refreshes_nothing_twice(conference):
    chair = make_chair(conference)
    reviewer = reviewer_at(conference, "Intel Labs", "intel.com")
    paper_by(conference, name="Jane Roe", email="jane@intel.com", number=1)
    recompute(conference)
    conflict = Conflict.objects.get()
    conflict_sync.override_conflict(actor=chair, conflict=conflict, reason="Different continents.")

    counts = recompute(conference)

    assert conflict_rows(conference) == [(1, reviewer.email, "institutional", True)]
    assert counts == {"created": 0, "updated": 0, "removed": 0, "total": 1}
    assert Conflict.objects.get().override_reason == "Different continents."


def test_recompute_keeps_overridden_conflict_when_rule_no_longer_holds(conference):
    chair = make_chair(conference)
    reviewer = reviewer_at(conference, "Intel Labs", "intel.com")
    paper_by(conference, name="Jane Roe", email="jane@intel.com", number=1)
    recompute(conference)
    conflict_sync.override_conflict(actor=chair, conflict=Conflict.objects.get(), reason="Far.")
    Affiliation.objects.filter(user=reviewer).delete()

    recompute(conference)

    assert conflict_rows(conference) == [(1, reviewer.email, "institutional", True)]


def test_recompute_keeps_reviewer_declared_and_chair_added_conflicts(conference):
    chair = make_chair(conference)
    reviewer = make_reviewer(conference)
    first = paper_by(conference, name="A", email="a@example.net", number=1)
    second = paper_by(conference, name="B", email="b@example.net", number=2)
    save_bid(reviewer=reviewer, submission=first, value=Bid.Value.CONFLICT)
    conflict_sync.add_conflict(actor=chair, submission=second, user=reviewer, reason="Friends.")

    recompute(conference)

    assert conflict_rows(conference) == [
        (1, reviewer.email, "reviewer_declared", False),
        (2, reviewer.email, "chair_added", False),
    ]
    assert Bid.objects.get().value == Bid.Value.CONFLICT


def test_recompute_refreshes_evidence_and_keeps_the_row(conference):
    make_reviewer(conference, user__email="bob@gmail.com")
    paper = paper_by(conference, name="Robert Smith", email="bob@gmail.com", number=1)
    recompute(conference)
    before = Conflict.objects.get()
    paper.authorships.update(name="Bob Smith")

    counts = recompute(conference)

    after = Conflict.objects.get()
    assert counts == {"created": 0, "updated": 1, "removed": 0, "total": 1}
    assert after.pk == before.pk
    assert after.evidence == (
        "Same person: the reviewer's email bob@gmail.com is an email of author Bob Smith."
    )


def test_recompute_records_one_audit_entry_only_when_something_changed(conference):
    make_reviewer(conference, user__email="bob@gmail.com")
    paper_by(conference, name="Bob", email="bob@gmail.com", number=1)

    recompute(conference)
    recompute(conference)

    entries = AuditEntry.objects.filter(action="conflicts.recompute")
    assert [entry.after for entry in entries] == [
        {"created": 1, "updated": 0, "removed": 0, "total": 1}
    ]


def test_add_conflict_needs_a_reason_and_is_audited(conference):
    chair = make_chair(conference)
    reviewer = make_reviewer(conference)
    paper = paper_by(conference, name="A", email="a@example.net", number=1)

    with pytest.raises(conflict_sync.ConflictChangeRefused, match="Say why"):
        conflict_sync.add_conflict(actor=chair, submission=paper, user=reviewer, reason="  ")
    conflict_sync.add_conflict(actor=chair, submission=paper, user=reviewer, reason="Roommates.")
    with pytest.raises(conflict_sync.ConflictChangeRefused, match="already has"):
        conflict_sync.add_conflict(actor=chair, submission=paper, user=reviewer, reason="Again.")

    entry = AuditEntry.objects.get(action="conflict.add")
    assert (entry.actor, entry.object_id, entry.reason) == (chair, str(paper.pk), "Roommates.")
    assert entry.after["kind"] == "chair_added"


def test_override_refuses_declared_conflicts_and_empty_reason(conference):
    chair = make_chair(conference)
    reviewer = make_reviewer(conference)
    paper = paper_by(conference, name="A", email="a@example.net", number=1)
    save_bid(reviewer=reviewer, submission=paper, value=Bid.Value.CONFLICT)
    declared = Conflict.objects.get()

    with pytest.raises(conflict_sync.ConflictChangeRefused, match="Only conflicts found"):
        conflict_sync.override_conflict(actor=chair, conflict=declared, reason="No.")
    assert Conflict.objects.get().overridden is False


def test_override_then_restore_is_audited_with_before_and_after(conference):
    chair = make_chair(conference)
    make_reviewer(conference, user__email="bob@gmail.com")
    paper_by(conference, name="Bob", email="bob@gmail.com", number=1)
    recompute(conference)
    conflict = Conflict.objects.get()

    with pytest.raises(conflict_sync.ConflictChangeRefused, match="Say why"):
        conflict_sync.override_conflict(actor=chair, conflict=conflict, reason="")
    conflict_sync.override_conflict(actor=chair, conflict=conflict, reason="Homonym.")
    conflict_sync.restore_conflict(actor=chair, conflict=conflict)

    override, restore = AuditEntry.objects.filter(action__startswith="conflict.").order_by("id")
    assert (override.action, override.reason) == ("conflict.override", "Homonym.")
    assert (override.before["overridden"], override.after["overridden"]) == (False, True)
    assert (restore.action, restore.after["overridden"]) == ("conflict.restore", False)
    assert Conflict.objects.get().overridden is False


def test_remove_only_chair_added_conflicts(conference):
    chair = make_chair(conference)
    reviewer = make_reviewer(conference, user__email="bob@gmail.com")
    paper = paper_by(conference, name="Bob", email="bob@gmail.com", number=1)
    recompute(conference)
    added = conflict_sync.add_conflict(actor=chair, submission=paper, user=reviewer, reason="X")

    with pytest.raises(conflict_sync.ConflictChangeRefused, match="Only conflicts added"):
        conflict_sync.remove_conflict(
            actor=chair, conflict=Conflict.objects.get(kind="self"), reason="Mistake."
        )
    conflict_sync.remove_conflict(actor=chair, conflict=added, reason="Mistake.")

    assert conflict_rows(conference) == [(1, reviewer.email, "self", False)]


def test_check_person_before_invite_uses_typed_affiliation(conference):
    paper = paper_by(
        conference, name="Jane Roe", email="jane@gmail.com", affiliation="GaTech", number=1
    )
    paper_by(conference, name="Other", email="o@example.net", number=2)

    found = conflict_detection.check_person(
        conference=conference,
        submissions=conference.submissions.all(),
        name="New Person",
        email="new@gmail.com",
        affiliation="Georgia Tech",
    )

    assert [(row.submission, row.kind_label) for row in found] == [(paper, "Institutional")]


def test_check_person_uses_profile_of_existing_account(conference):
    person = UserFactory(email="known@gmail.com", full_name="Known Person")
    publication(person, "Sparse routing", year=YEAR, coauthors=["jane@example.net"])
    paper = paper_by(conference, name="Jane Roe", email="jane@example.net", number=1)

    found = conflict_detection.check_person(
        conference=conference,
        submissions=conference.submissions.all(),
        name="Known Person",
        email="KNOWN@gmail.com",
    )

    assert [(row.submission, row.kind_label) for row in found] == [(paper, "Co-author")]


def profile_post(user, **changes):
    data = {
        "full_name": user.full_name,
        "keywords": user.keywords,
        "aff-TOTAL_FORMS": "1",
        "aff-INITIAL_FORMS": "0",
        "aff-0-institution": "Georgia Tech",
        "aff-0-email_domain": "gatech.edu",
        "aff-0-role": "faculty",
        "pub-TOTAL_FORMS": "0",
        "pub-INITIAL_FORMS": "0",
        "rel-TOTAL_FORMS": "0",
        "rel-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


@pytest.mark.django_db(transaction=True)
def test_profile_save_recomputes_conflicts_after_commit():
    conference = ConferenceFactory()
    reviewer = make_reviewer(conference, user__email="bob@gmail.com")
    paper_by(conference, name="Jane Roe", email="jane@gatech.edu", number=1)
    data = profile_post(reviewer)
    form = ProfileForm(data, instance=reviewer)
    formsets = [
        AffiliationFormSet(data, instance=reviewer, prefix="aff"),
        PublicationFormSet(data, instance=reviewer, prefix="pub"),
        RelationFormSet(data, instance=reviewer, prefix="rel"),
    ]
    assert form.is_valid(), form.errors
    assert all(f.is_valid() for f in formsets), [f.errors for f in formsets]

    save_profile(form=form, formsets=formsets)

    assert conflict_rows(conference) == [(1, reviewer.email, "institutional", False)]
    job = BackgroundJob.objects.get()
    assert (job.kind, job.status) == ("conflicts", "done")


def test_schedule_reuses_a_queued_job(conference, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = conflict_sync.schedule_conflict_recompute(conference=conference)
        second = conflict_sync.schedule_conflict_recompute(conference=conference)

    assert first == second
    assert len(callbacks) == 1
    assert BackgroundJob.objects.filter(kind="conflicts", status="queued").count() == 1
