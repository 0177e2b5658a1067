"""The chair's settings forms: the conference itself and its lists (tracks, topics, deadlines,
program sessions). Each list is one formset over all of the conference's rows, so a duplicate
name is caught here, with a message, before the database refuses it."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils import timezone

from conference.models import Conference, Deadline, ProgramSession, Topic, Track, normalize_zone


def https_url_fields(model_field, **kwargs):
    """URLs typed without a scheme are taken as https (Django 6's default, chosen now)."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


class ConferenceForm(forms.ModelForm):
    class Meta:
        model = Conference
        formfield_callback = https_url_fields
        fields = [
            "name",
            "short_name",
            "description",
            "venue",
            "website",
            "contact_email",
            "anonymity",
            "event_zone",
            "default_max_load",
            "show_reviews_after_own",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"event_zone": "An IANA name such as Asia/Singapore or Europe/Berlin."}

    def clean_event_zone(self):
        return normalize_zone(self.cleaned_data["event_zone"])

    def clean_default_max_load(self):
        load = self.cleaned_data["default_max_load"]
        if load < 1:
            raise ValidationError("A reviewer needs room for at least 1 paper.")
        return load


class TrackForm(forms.ModelForm):
    class Meta:
        model = Track
        fields = [
            "name",
            "body_page_limit",
            "camera_ready_page_limit",
            "max_pdf_mb",
            "max_supplement_mb",
            "reviews_per_paper",
            "order",
            "description",
        ]
        labels = {
            "body_page_limit": "Body pages",
            "camera_ready_page_limit": "Camera-ready pages",
            "max_pdf_mb": "PDF MB",
            "max_supplement_mb": "Supplement MB",
            "reviews_per_paper": "Reviews per paper",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        cleaned = super().clean()
        for name in ("body_page_limit", "max_pdf_mb", "reviews_per_paper"):
            if cleaned.get(name) == 0:
                self.add_error(name, "Must be at least 1.")
        body, final = cleaned.get("body_page_limit"), cleaned.get("camera_ready_page_limit")
        if body and final is not None and final < body:
            self.add_error(
                "camera_ready_page_limit",
                f"The camera-ready limit cannot be below the submission limit ({body}).",
            )
        return cleaned


class DeadlineForm(forms.ModelForm):
    class Meta:
        model = Deadline
        fields = ["kind", "local_date", "local_time", "zone"]
        labels = {"local_date": "Date", "local_time": "Time", "zone": "Time zone"}
        widgets = {
            "local_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "local_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean_zone(self):
        return normalize_zone(self.cleaned_data["zone"])


class SessionForm(forms.ModelForm):
    class Meta:
        model = ProgramSession
        fields = ["kind", "title", "starts_at", "ends_at", "room"]
        labels = {"starts_at": "Starts", "ends_at": "Ends"}
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            zone = timezone.get_current_timezone_name()
            self.add_error(
                "ends_at", f"The session must end after it starts ({starts:%Y-%m-%d %H:%M} {zone})."
            )
        return cleaned


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "order"]


class ConferenceRowsFormSet(BaseModelFormSet):
    """All rows of one kind of a conference. `unique_field` must not repeat within it."""

    unique_field = None

    def __init__(self, *args, conference, **kwargs):
        self.conference = conference
        related = self.model._meta.get_field("conference").remote_field.related_name
        kwargs.setdefault("queryset", getattr(conference, related).all())
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.conference = self.conference
        return form

    def kept_forms(self):
        """Forms whose rows exist after saving: filled in or existing, not marked for deletion."""
        return [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]

    def clean(self):
        super().clean()
        seen = set()
        for form in self.kept_forms() if self.unique_field else ():
            value = form.cleaned_data.get(self.unique_field)
            if value is None:
                continue
            key = value.casefold() if isinstance(value, str) else value
            if key in seen:
                choices = getattr(form.fields[self.unique_field], "choices", None) or ()
                shown = dict(choices).get(value, value)
                raise ValidationError(f"“{shown}” appears twice: each may appear only once.")
            seen.add(key)
        for form in self.forms:
            if form.instance.pk is not None and self._should_delete_form(form):
                self.check_deletable(form.instance)

    def check_deletable(self, instance):
        """Refuse to delete a row that papers depend on (overridden per kind)."""


class TrackFormSet(ConferenceRowsFormSet):
    unique_field = "name"

    def check_deletable(self, instance):
        count = instance.submissions.count()
        if count:
            raise ValidationError(
                f"“{instance.name}” has {count} submission{'s' if count != 1 else ''}: "
                "it cannot be deleted. Rename it, or move its papers to another track first."
            )


class TopicFormSet(ConferenceRowsFormSet):
    unique_field = "name"

    def check_deletable(self, instance):
        count = instance.submissions.count()
        if count:
            raise ValidationError(
                f"“{instance.name}” was chosen by {count} submission{'s' if count != 1 else ''}: "
                "it cannot be deleted. Rename it instead."
            )


class DeadlineFormSet(ConferenceRowsFormSet):
    unique_field = "kind"


class SessionFormSet(ConferenceRowsFormSet):
    pass


def rows_formset(model, form, formset, extra=1):
    return modelformset_factory(model, form=form, formset=formset, extra=extra, can_delete=True)


SECTIONS = {
    "tracks": (
        rows_formset(Track, TrackForm, TrackFormSet),
        "Tracks",
        "Body pages are the pages before the references start; references and appendix never "
        "count. The camera-ready limit applies to final versions.",
    ),
    "topics": (
        rows_formset(Topic, TopicForm, TopicFormSet, extra=2),
        "Topics",
        "Authors pick topics for their papers; reviewers pick the ones they know. Order sets "
        "the order in lists.",
    ),
    "deadlines": (
        rows_formset(Deadline, DeadlineForm, DeadlineFormSet),
        "Deadlines",
        "A date and a wall-clock time in a zone: AoE (Etc/GMT+12) unless you name another. "
        "A deadline at 23:59 accepts work until 23:59:59 there; the page shows everyone the "
        "time in their own zone.",
    ),
    "sessions": (
        rows_formset(ProgramSession, SessionForm, SessionFormSet),
        "Program sessions",
        "Times are in the event's zone, {zone}. Accepted papers are placed into oral and "
        "poster sessions.",
    ),
}
