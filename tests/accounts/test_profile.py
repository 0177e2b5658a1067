"""Profiles: who may see one, and how the owner's edits are cleaned, checked and saved."""

import pytest
from django.urls import reverse

from accounts.forms import (
    AffiliationFormSet,
    ProfileForm,
    PublicationFormSet,
    RelationFormSet,
    clean_email_domain,
    clean_orcid,
)
from accounts.models import Affiliation, Publication, Relation
from conference.models import CommitteeMembership
from tests.conference.support import rendered_data
from tests.factories import (
    AffiliationFactory,
    ConferenceFactory,
    MembershipFactory,
    SubmissionFactory,
    UserFactory,
    make_chair,
    make_reviewer,
)

pytestmark = pytest.mark.django_db
PROFILE_URL = reverse("accounts:profile")


def viewer_of(person, relation):
    """A user standing in `relation` to `person` (whose own conference role is set up here)."""
    home = ConferenceFactory()
    if relation == "anonymous":
        return None
    if relation == "owner":
        return person
    if relation == "chair_of_member":
        make_reviewer(home, user=person)
        return make_chair(home)
    if relation == "chair_of_invited_member":
        MembershipFactory(conference=home, user=person, status=CommitteeMembership.Status.INVITED)
        return make_chair(home)
    if relation == "chair_of_author":
        SubmissionFactory(conference=home, created_by=person)
        return make_chair(home)
    if relation == "chair_elsewhere":
        make_reviewer(home, user=person)
        return make_chair(ConferenceFactory())
    if relation == "invited_chair_of_member":
        make_reviewer(home, user=person)
        return MembershipFactory(
            conference=home,
            role=CommitteeMembership.Role.CHAIR,
            status=CommitteeMembership.Status.INVITED,
        ).user
    if relation == "fellow_reviewer":
        make_reviewer(home, user=person)
        return make_reviewer(home)
    return UserFactory()


@pytest.mark.parametrize(
    ("relation", "expected"),
    [
        ("owner", 200),
        ("chair_of_member", 200),
        ("chair_of_invited_member", 200),
        ("chair_of_author", 200),
        ("chair_elsewhere", 404),
        ("invited_chair_of_member", 404),
        ("fellow_reviewer", 404),
        ("other_user", 404),
        ("anonymous", "login"),
    ],
)
def test_profile_visibility(client, relation, expected):
    person = UserFactory(full_name="Grace Hopper", orcid="0000-0002-1825-0097")
    viewer = viewer_of(person, relation)
    if viewer:
        client.force_login(viewer)
    url = reverse("accounts:detail", args=[person.pk])

    response = client.get(url)

    if expected == "login":
        assert response.status_code == 302
        assert response.url == f"{reverse('account_login')}?next={url}"
    else:
        assert response.status_code == expected
        assert ("Grace Hopper" in response.content.decode()) is (expected == 200)


def test_profile_of_unknown_person_is_404(client):
    client.force_login(UserFactory())

    assert client.get(reverse("accounts:detail", args=[999_999])).status_code == 404


def test_profile_page_shows_affiliation_expertise_and_ties(client):
    person = UserFactory(full_name="Grace Hopper", is_student=True, keywords="compilers, COBOL")
    AffiliationFactory(
        user=person, institution="Yale University", email_domain="yale.edu", start_year=2020
    )
    Publication.objects.create(user=person, title="A-0", year=2024, coauthors="Ada\nAlan")
    Relation.objects.create(user=person, kind=Relation.Kind.ADVISOR, name="Howard Aiken")
    client.force_login(person)

    html = client.get(reverse("accounts:detail", args=[person.pk])).content.decode()

    assert '<span class="badge info">Student</span>' in html
    assert "Researcher, Yale University" in html
    assert "2020–now" in html
    assert "with Ada, Alan" in html
    assert "My advisor: <strong>Howard Aiken</strong>" in html
    assert "compilers, COBOL" in html


def profile_data(user, **changes):
    forms = [
        ProfileForm(instance=user),
        AffiliationFormSet(instance=user, prefix="aff"),
        PublicationFormSet(instance=user, prefix="pub"),
        RelationFormSet(instance=user, prefix="rel"),
    ]
    return rendered_data(*forms, **changes)


def test_profile_edit_saves_profile_and_all_lists(client):
    conference = ConferenceFactory()
    user = UserFactory(full_name="Ada")
    client.force_login(user)
    topic = conference.topics.get(name="Mixture of experts")
    data = profile_data(
        user,
        full_name="Ada Lovelace",
        is_student="on",
        orcid="https://orcid.org/0000-0002-1825-0097",
        dblp_url="dblp.org/pid/12/3456.html",
        keywords="state space models; LoRA,\nlora , distillation",
        topics=[str(topic.pk)],
        **{
            "aff-0-institution": "Carnegie Mellon University",
            "aff-0-email_domain": "https://www.CMU.edu/about",
            "aff-0-role": "student",
            "aff-0-start_year": "2021",
            "pub-0-title": "Sparse routing at scale",
            "pub-0-year": "2024",
            "pub-0-coauthors": "Grace Hopper\nalan@turing.example",
            "rel-0-kind": "advisor",
            "rel-0-name": "Charles Babbage",
        },
    )

    response = client.post(PROFILE_URL, data)

    assert response.status_code == 302
    assert response.url == PROFILE_URL
    user.refresh_from_db()
    assert user.full_name == "Ada Lovelace"
    assert user.is_student is True
    assert user.orcid == "0000-0002-1825-0097"
    assert user.dblp_url == "https://dblp.org/pid/12/3456.html"
    assert user.keywords == "state space models, LoRA, distillation"
    assert list(user.topics.all()) == [topic]
    assert list(
        user.affiliations.values_list(
            "institution", "email_domain", "role", "start_year", "end_year"
        )
    ) == [("Carnegie Mellon University", "cmu.edu", "student", 2021, None)]
    assert user.current_affiliation().institution == "Carnegie Mellon University"
    publication = user.publications.get()
    assert (publication.title, publication.year) == ("Sparse routing at scale", 2024)
    assert publication.coauthor_list() == ["Grace Hopper", "alan@turing.example"]
    assert list(user.relations.values_list("kind", "name")) == [("advisor", "Charles Babbage")]


def test_profile_edit_deletes_a_marked_row_and_keeps_history(client):
    user = UserFactory()
    past = AffiliationFactory(
        user=user, institution="MIT", email_domain="mit.edu", start_year=2015, end_year=2019
    )
    AffiliationFactory(user=user, start_year=2019)
    client.force_login(user)
    index = list(user.affiliations.all()).index(past)

    response = client.post(PROFILE_URL, profile_data(user, **{f"aff-{index}-DELETE": "on"}))

    assert response.status_code == 302
    assert list(user.affiliations.values_list("institution", flat=True)) == [
        "Carnegie Mellon University"
    ]


def test_profile_end_year_before_start_is_a_field_error_nothing_saved(client):
    user = UserFactory(full_name="Ada")
    client.force_login(user)
    data = profile_data(
        user,
        full_name="Ada Lovelace",
        **{
            "aff-0-institution": "Carnegie Mellon University",
            "aff-0-email_domain": "cmu.edu",
            "aff-0-role": "faculty",
            "aff-0-start_year": "2020",
            "aff-0-end_year": "2018",
        },
    )

    response = client.post(PROFILE_URL, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved: please correct the fields marked below." in html
    assert "The end year is before the start year (2020)." in html
    assert 'value="Ada Lovelace"' in html
    user.refresh_from_db()
    assert user.full_name == "Ada"
    assert not Affiliation.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("aff-0-email_domain", "not a domain", "is not an email domain."),
        ("aff-0-start_year", "20", "Enter a start year between 1950 and"),
        ("orcid", "0000-0002-1825-0096", "This ORCID iD has a typo"),
        ("orcid", "12345", "Enter your ORCID iD as 16 digits"),
        (
            "semantic_scholar_url",
            "https://example.org/me",
            "This is not a semanticscholar.org link.",
        ),
        ("openreview_url", "javascript:alert(1)", "Enter a valid URL."),
        ("full_name", "   ", "This field is required."),
    ],
)
def test_profile_bad_input_refused_with_message(client, field, value, message):
    user = UserFactory(full_name="Ada")
    client.force_login(user)
    data = profile_data(
        user,
        **{
            "aff-0-institution": "CMU",
            "aff-0-email_domain": "cmu.edu",
            "aff-0-role": "faculty",
            field: value,
        },
    )

    response = client.post(PROFILE_URL, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Affiliation.objects.exists()


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("cmu.edu", "cmu.edu"),
        ("https://cmu.edu/", "cmu.edu"),
        ("https://www.CS.CMU.edu:443/people?x=1", "cs.cmu.edu"),
        ("jane@andrew.cmu.edu", "andrew.cmu.edu"),
        ("@ox.ac.uk", "ox.ac.uk"),
        ("  ", ""),
    ],
)
def test_clean_email_domain(typed, cleaned):
    assert clean_email_domain(typed) == cleaned


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("", ""),
    ],
)
def test_clean_orcid(typed, cleaned):
    assert clean_orcid(typed) == cleaned


def test_profile_edit_requires_login(client):
    response = client.get(PROFILE_URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={PROFILE_URL}"


def test_profile_edit_page_shows_the_owners_data(client):
    user = UserFactory(full_name="Ada Lovelace")
    AffiliationFactory(user=user, start_year=2019)
    client.force_login(user)

    html = client.get(PROFILE_URL).content.decode()

    assert 'value="Ada Lovelace"' in html
    assert 'value="Carnegie Mellon University"' in html
    assert 'value="cmu.edu"' in html
    assert "<h1>Your profile</h1>" in html
