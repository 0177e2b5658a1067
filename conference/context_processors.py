from django.utils import timezone

from conference.models import Conference
from conference.roles import roles_in


def current_conference(request):
    """The conference named in the URL, the viewer's roles in it, and its next open deadline."""
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("conference_slug") if match else None
    if not slug:
        return {}
    conference = Conference.objects.filter(slug=slug).prefetch_related("deadlines").first()
    if conference is None:
        return {}
    now = timezone.now()
    upcoming = [d for d in conference.deadlines.all() if d.is_open_at(now)]
    return {
        "current_conference": conference,
        "current_roles": roles_in(request.user, conference),
        "next_deadline": upcoming[0] if upcoming else None,
    }
