"""Seed SCOPE 2025 from conference/data/scope2025.json: venue facts plus fictional people.

Idempotent: every row is found by its natural key and updated in place. The real 2025 dates
are in the past, so by default the dates keep their spacing but start from today (the
submission deadline a week ahead); `historical=True` uses the real dates.
"""

import json
import zoneinfo
from datetime import date, datetime, time, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accounts.models import Affiliation, Publication, User
from conference.models import (
    CommitteeMembership,
    Conference,
    Deadline,
    ProgramSession,
    Topic,
    Track,
)

DATA_FILE = Path(__file__).parent / "data" / "scope2025.json"
KEYWORD_POOL = [
    "state space models",
    "linear attention",
    "KV cache compression",
    "speculative decoding",
    "LoRA",
    "mixture of experts",
    "retrieval augmentation",
    "quantization",
    "distillation",
    "continual learning",
    "long-context benchmarks",
    "token pruning",
    "multimodal adapters",
    "sparse routing",
    "efficient inference",
]


def load_data():
    return json.loads(DATA_FILE.read_text())


def shifted_dates(data, *, historical, today):
    """Deadline dates: the real ones, or the same spacing starting a week from today."""
    real = {kind: date.fromisoformat(day) for kind, day in data["deadlines"]["historical"].items()}
    workshop = date.fromisoformat(data["workshop_day"])
    if historical:
        return real, workshop
    offset = (today + timedelta(days=7)) - real["submission"]
    return {kind: day + offset for kind, day in real.items()}, workshop + offset


def upsert_person(
    *, data, name, login, institution_key, role, password_hash, student=False, past_key=None, year
):
    institutions = data["institutions"]
    email = f"{login}@{data['email_domain']}"
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": name, "is_student": student}
    )
    if created:
        user.password = password_hash
    user.full_name = name
    user.is_student = student
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    institution, domain = institutions[institution_key]
    Affiliation.objects.update_or_create(
        user=user,
        institution=institution,
        defaults={
            "email_domain": domain,
            "role": "student" if student else role,
            "start_year": year - 4,
            "end_year": None,
        },
    )
    if past_key:
        past_name, past_domain = institutions[past_key]
        Affiliation.objects.update_or_create(
            user=user,
            institution=past_name,
            defaults={
                "email_domain": past_domain,
                "role": role,
                "start_year": year - 8,
                "end_year": year - 2,
            },
        )
    return user


def give_expertise(user, *, index, topics, year):
    """Deterministic topics, keywords and publication titles, so affinity has something to work on."""
    chosen = [topics[(index + step * 3) % len(topics)] for step in range(3)]
    user.topics.set(chosen)
    keywords = [KEYWORD_POOL[(index + step * 4) % len(KEYWORD_POOL)] for step in range(3)]
    user.keywords = ", ".join(keywords)
    user.save(update_fields=["keywords"])
    titles = []
    for step, topic in enumerate(chosen[:2]):
        keyword = keywords[step]
        titles.append(f"{keyword[:1].upper()}{keyword[1:]} for {topic.name.lower()}")
        Publication.objects.update_or_create(
            user=user, title=titles[-1], defaults={"year": year - step}
        )
    Publication.objects.filter(user=user).exclude(title__in=titles).delete()


@transaction.atomic
def seed_scope(*, historical=False, today=None):
    """Create or update SCOPE 2025. Returns the conference."""
    data = load_data()
    today = today or date.today()
    year = today.year
    password = data["demo_password"]
    # One hash for every demo account: hashing 48 times would take most of a minute.
    password_hash = make_password(password)
    conference, _ = Conference.objects.update_or_create(
        slug=data["conference"]["slug"], defaults=data["conference"]
    )
    for track in data["tracks"]:
        Track.objects.update_or_create(conference=conference, name=track["name"], defaults=track)
    topics = []
    for order, name in enumerate(data["topics"], start=1):
        topic, _ = Topic.objects.update_or_create(
            conference=conference, name=name, defaults={"order": order}
        )
        topics.append(topic)

    deadline_dates, workshop_day = shifted_dates(data, historical=historical, today=today)
    stated = time.fromisoformat(data["deadlines"]["time"])
    for kind, day in deadline_dates.items():
        Deadline.objects.update_or_create(
            conference=conference,
            kind=kind,
            defaults={"local_date": day, "local_time": stated, "zone": data["deadlines"]["zone"]},
        )

    zone = zoneinfo.ZoneInfo(conference.event_zone)
    day_starts = datetime.combine(workshop_day, time(0, 0), tzinfo=zone)
    ProgramSession.objects.filter(conference=conference).exclude(
        starts_at__gte=day_starts, starts_at__lt=day_starts + timedelta(days=1)
    ).delete()
    for start, end, kind, title in data["program"]:
        starts_at = datetime.combine(workshop_day, time.fromisoformat(start), tzinfo=zone)
        ProgramSession.objects.update_or_create(
            conference=conference,
            title=title,
            starts_at=starts_at,
            defaults={
                "kind": kind,
                "ends_at": datetime.combine(workshop_day, time.fromisoformat(end), tzinfo=zone),
                "room": "Main hall" if kind != "poster" else "Poster hall",
            },
        )

    people = {"chairs": [], "reviewers": [], "authors": []}
    for index, chair in enumerate(data["chairs"]):
        user = upsert_person(
            data=data,
            name=chair["name"],
            login=chair["login"],
            institution_key=chair["institution"],
            role=chair["role"],
            password_hash=password_hash,
            past_key=chair.get("past"),
            year=year,
        )
        give_expertise(user, index=index, topics=topics, year=year)
        CommitteeMembership.objects.update_or_create(
            conference=conference,
            user=user,
            role=CommitteeMembership.Role.CHAIR,
            defaults={"status": CommitteeMembership.Status.ACCEPTED},
        )
        people["chairs"].append(user)

    first, last, places = data["first_names"], data["last_names"], data["reviewer_institutions"]
    for index in range(data["reviewer_count"]):
        name = f"{first[index % len(first)]} {last[(index * 7) % len(last)]}"
        login = "reviewer" if index == 0 else name.lower().replace(" ", ".")
        user = upsert_person(
            data=data,
            name=name,
            login=login,
            institution_key=places[index % len(places)],
            role="faculty" if index % 3 == 0 else "researcher",
            password_hash=password_hash,
            student=index % 5 == 4,
            year=year,
        )
        give_expertise(user, index=index + 1, topics=topics, year=year)
        CommitteeMembership.objects.update_or_create(
            conference=conference,
            user=user,
            role=CommitteeMembership.Role.REVIEWER,
            defaults={"status": CommitteeMembership.Status.ACCEPTED},
        )
        people["reviewers"].append(user)

    for index, author in enumerate(data["authors"]):
        user = upsert_person(
            data=data,
            name=author["name"],
            login=author["login"],
            institution_key=author["institution"],
            role="researcher",
            password_hash=password_hash,
            student=author["student"],
            year=year,
        )
        give_expertise(user, index=index + 2, topics=topics, year=year)
        people["authors"].append(user)

    from conference.seed_hooks import run_seed_hooks

    run_seed_hooks(conference=conference, people=people, password=password)
    return conference
