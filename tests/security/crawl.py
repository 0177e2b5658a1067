"""Everything one person can read: each page and export they may GET (for every paper number
of the world), the file names of what they download, and every email addressed to them."""

from dataclasses import dataclass

from notifications.models import OutgoingEmail
from tests.security.test_access_matrix import EXPECTED
from tests.security.urls import project_patterns, request_rolled_back

TEXT_TYPES = ("text/", "application/json", "text/calendar")


@dataclass
class Readable:
    where: str  # a URL, or "email: <subject>"
    text: str
    content_type: str = "text/plain"


def response_text(response):
    """What a reader sees of a response: headers that name things, and the body if it is text.

    Streamed bodies are always read through the test client's wrapper: closing one directly
    would close the test's database connection."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    parts = [response.headers.get("Content-Disposition", "")]
    if response.headers.get("Content-Type", "").startswith(TEXT_TYPES):
        parts.append(body.decode(errors="replace"))
    return "\n".join(parts)


def readable_pages(world, client, role):
    """Every page and export `role` may GET, for every paper and every email of the world."""
    choices = {
        "number": sorted({paper.number for paper in world.papers.values()}),
        "email_id": list(
            OutgoingEmail.objects.filter(conference=world.conference).values_list("pk", flat=True)
        ),
    }
    found = []
    for pattern in project_patterns():
        if EXPECTED.get(pattern.name, {}).get("GET", {}).get(role) != 200:
            continue
        varied = [name for name in choices if name in pattern.kwargs]
        variants = [{}]
        for name in varied:
            variants = [{**v, name: value} for v in variants for value in choices[name]]
        for variant in variants:
            url = pattern.url({**world.kwargs, **variant})
            response = request_rolled_back(client, "GET", url)
            if response.status_code == 200:
                content_type = response.headers.get("Content-Type", "")
                found.append(Readable(url, response_text(response), content_type))
    return found


def readable_emails(address, *, since=None):
    """Every email addressed to `address` (queued at or after `since`, when given)."""
    emails = OutgoingEmail.objects.filter(to__contains=[address])
    if since is not None:
        emails = emails.filter(created_at__gte=since)
    return [
        Readable(
            f"email: {email.subject}", f"{email.subject}\n{email.text_body}\n{email.html_body}"
        )
        for email in emails
    ]


def findings(readables, secrets):
    """(where, secret) for each secret string found in something readable."""
    return sorted(
        {(item.where, secret) for item in readables for secret in secrets if secret in item.text}
    )
