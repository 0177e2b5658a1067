"""Build the POST body a browser would send for a form, from the form as the page renders it."""

import zoneinfo
from datetime import date, datetime, time

from django.forms import BaseFormSet
from django.utils import timezone

from conference.forms import SECTIONS, ConferenceForm


def rendered_data(*forms, **changes):
    """What a browser posts for these unchanged forms and formsets, then `changes` applied
    (input name -> value; None removes the input)."""
    data = {}
    for form in forms:
        if isinstance(form, BaseFormSet):
            management = form.management_form
            for name in management.fields:
                data[f"{form.prefix}-{name}"] = str(management[name].value())
            data.update(rendered_data(*form.forms))
            continue
        for bound_field in form:
            value = bound_field.value()
            if isinstance(value, datetime | date | time):
                value = bound_field.field.widget.format_value(value)
            if value is True:
                data[bound_field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound_field.html_name] = [str(item) for item in value]
            elif value is not None and value is not False:
                data[bound_field.html_name] = str(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def section_data(conference, section, **changes):
    """A settings section as rendered (times in the event's zone), with `changes` applied."""
    with timezone.override(zoneinfo.ZoneInfo(conference.event_zone)):
        formset = SECTIONS[section][0](conference=conference, prefix=section)
        return {"section": section, **rendered_data(formset, **changes)}


def conference_data(conference, **changes):
    return {
        "section": "conference",
        **rendered_data(ConferenceForm(instance=conference), **changes),
    }
