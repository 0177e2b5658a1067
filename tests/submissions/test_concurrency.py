"""Two requests at once, as a double click sends them: one paper, both answered with it."""

import threading
import uuid

import pytest
from django.db import connection

from submissions import services
from submissions.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_double_submit_creates_one_submission(conference, main_track, author):
    token = uuid.uuid4()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def create():
        try:
            barrier.wait(timeout=10)
            results.append(
                services.save_submission(
                    actor=author,
                    conference=conference,
                    creation_token=token,
                    fields=services.PaperFields(track=main_track, title="Clicked twice"),
                    authors=[
                        services.AuthorEntry(name="Mina", email=author.email, is_contact=True)
                    ],
                )
            )
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    paper = Submission.objects.get()
    assert sorted((r.submission.pk, r.created, r.duplicate) for r in results) == [
        (paper.pk, False, True),
        (paper.pk, True, False),
    ]
