"""Show an instant as stated (AoE), in the viewer's own zone, and as a live countdown.

The server renders the stated text (AoE or the deadline's zone) and the UTC instant;
static/js/app.js fills in the viewer's local time and the countdown, so pages work without
JavaScript too.
"""

import zoneinfo
from datetime import UTC

from django import template
from django.template.loader import render_to_string

from conference.models import AOE

register = template.Library()


@register.simple_tag
def deadline(value, label=None):
    """`{% deadline d %}` for a Deadline (labelled with its kind unless `label` is given; "" for
    none), or `{% deadline instant "label" %}` for an aware datetime, shown in AoE."""
    if value is None:
        return ""
    due_at = getattr(value, "due_at", value).astimezone(UTC)
    zone = getattr(value, "zone", AOE)
    if label is None:
        label = value.get_kind_display() if hasattr(value, "get_kind_display") else ""
    local = due_at.astimezone(zoneinfo.ZoneInfo(zone))
    zone_label = "AoE" if zone == AOE else zone
    return render_to_string(
        "conference/partials/deadline.html",
        {
            "label": label,
            "stated": f"{local:%a %d %b %Y, %H:%M:%S} {zone_label}",
            "utc": f"{due_at:%Y-%m-%d %H:%M:%S} UTC",
            "iso": due_at.isoformat(),
        },
    )
