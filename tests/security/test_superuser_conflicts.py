"""Being a superuser never opens a paper one is conflicted with."""

import pytest

from reviews.models import Conflict
from tests.factories import ConferenceFactory, SubmissionFactory, UserFactory, make_chair


@pytest.mark.django_db
def test_superuser_chair_conflicted_paper_is_not_viewable():
    conference = ConferenceFactory()
    chair = make_chair(conference, user=UserFactory(is_superuser=True, is_staff=True))
    paper = SubmissionFactory(conference=conference)
    other = SubmissionFactory(conference=conference)
    Conflict.objects.create(submission=paper, user=chair, kind=Conflict.Kind.INSTITUTIONAL)

    assert chair.has_perm("submissions.view", other) is True
    assert chair.has_perm("submissions.view", paper) is False
    assert chair.has_perm("submissions.download", paper) is False


@pytest.mark.django_db
def test_superuser_keeps_model_permissions_for_admin():
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert admin.has_perm("submissions.change_submission") is True
