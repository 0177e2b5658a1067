from django import forms
from django.forms import modelformset_factory

from conference.models import Conference, Deadline, ProgramSession, Topic, Track


class ConferenceForm(forms.ModelForm):
    class Meta:
        model = Conference
        fields = ["name", "short_name", "description", "venue", "website", "contact_email", "anonymity",
                  "event_zone", "default_max_load", "show_reviews_after_own"]


class DeadlineForm(forms.ModelForm):
    class Meta:
        model = Deadline
        fields = ["kind", "local_date", "local_time", "zone"]
        widgets = {
            "local_date": forms.DateInput(attrs={"type": "date"}),
            "local_time": forms.TimeInput(attrs={"type": "time"}),
        }
        help_texts = {"zone": "Etc/GMT+12 is Anywhere on Earth (AoE)."}


class SessionForm(forms.ModelForm):
    class Meta:
        model = ProgramSession
        fields = ["kind", "title", "starts_at", "ends_at", "room"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }


TrackFormSet = modelformset_factory(
    Track,
    fields=["name", "body_page_limit", "camera_ready_page_limit", "max_pdf_mb", "max_supplement_mb",
            "reviews_per_paper", "order", "description"],
    extra=1, can_delete=True,
)
TopicFormSet = modelformset_factory(Topic, fields=["name", "order"], extra=2, can_delete=True)
DeadlineFormSet = modelformset_factory(Deadline, form=DeadlineForm, extra=1, can_delete=True)
SessionFormSet = modelformset_factory(ProgramSession, form=SessionForm, extra=1, can_delete=True)

SECTIONS = {
    "tracks": (TrackFormSet, "tracks", "Tracks"),
    "topics": (TopicFormSet, "topics", "Topics"),
    "deadlines": (DeadlineFormSet, "deadlines", "Deadlines"),
    "sessions": (SessionFormSet, "sessions", "Program sessions"),
}
