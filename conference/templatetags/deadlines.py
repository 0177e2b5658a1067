"""Show an instant as stated (AoE), in the viewer's own zone, and as a live countdown.

The server renders the AoE and UTC text; static/js/deadlines.js fills in the viewer's local
time and the countdown, so pages work without JavaScript too.
"""

import zoneinfo

from django import template
from django.template.loader import render_to_string

from conference.models import AOE

register = template.Library()


@register.simple_tag
def deadline(value, label=""):
    """`{% deadline d %}` for a Deadline, or `{% deadline instant "label" %}` for a UTC datetime."""
    if value is None:
        return ""
    due_at = getattr(value, "due_at", value)
    zone = getattr(value, "zone", AOE)
    local = due_at.astimezone(zoneinfo.ZoneInfo(zone))
    zone_label = "AoE" if zone == AOE else zone
    return render_to_string(
        "conference/partials/deadline.html",
        {
            "label": label or (value.get_kind_display() if hasattr(value, "get_kind_display") else ""),
            "stated": f"{local:%a %d %b %Y, %H:%M:%S} {zone_label}",
            "utc": f"{due_at:%Y-%m-%d %H:%M:%S} UTC",
            "iso": due_at.isoformat(),
        },
    )
