"""The forms authors and chairs fill in; the rules they enforce are stated in their messages."""

import uuid

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.forms import BaseFormSet, formset_factory

from accounts.models import User
from conference.models import AOE, CommitteeMembership, due_instant
from submissions.models import Authorship, Submission
from submissions.services import (
    ABSTRACT_MAX_CHARS,
    ABSTRACT_MIN_CHARS,
    MAX_TOPICS,
    AuthorEntry,
    PaperFields,
)

MAX_AUTHORS = 30
DRAFT, SUBMIT = "draft", "submit"


class TrackChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, track):
        pages = f"{track.body_page_limit} page{'s' if track.body_page_limit != 1 else ''}"
        return f"{track.name}: up to {pages} before the references (appendix not counted)"


class CommitteeMemberField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.display_name


class SubmissionForm(forms.ModelForm):
    """The paper's own fields, its files and the two hidden guards (version, creation token).

    The button pressed is `action`: "draft" saves whatever is there, "submit" also requires
    an abstract, topics and the confirmations (the PDF rules are checked by the view).
    """

    track = TrackChoiceField(queryset=None, empty_label=None, widget=forms.RadioSelect)
    topics = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Choose 1 to {MAX_TOPICS}.",
    )
    declared_conflict_users = CommitteeMemberField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Committee members you conflict with",
        help_text="Chairs and reviewers of this conference who must not handle your paper.",
    )
    pdf = forms.FileField(
        required=False,
        label="Paper (PDF)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    supplement = forms.FileField(
        required=False,
        label="Supplementary material (PDF or ZIP, optional)",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.zip,application/pdf,application/zip"}
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    creation_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    action = forms.ChoiceField(choices=[(DRAFT, DRAFT), (SUBMIT, SUBMIT)], required=False)

    class Meta:
        model = Submission
        fields = [
            "track",
            "title",
            "abstract",
            "keywords",
            "topics",
            "first_author_student",
            "declared_conflict_users",
            "declared_conflict_institutions",
            "confirms_anonymized",
            "confirms_not_published",
        ]
        labels = {
            "first_author_student": "The first author is a student (eligible for the Best Student "
            "Paper award)",
            "declared_conflict_institutions": "Institutions you conflict with",
            "confirms_anonymized": "The PDF is anonymized for double-blind review",
            "confirms_not_published": "This work has not been published at an archival venue",
        }
        help_texts = {
            "keywords": "Comma separated.",
            "declared_conflict_institutions": "One per line, beyond the authors' own affiliations.",
        }
        widgets = {
            "abstract": forms.Textarea(attrs={"rows": 8}),
            "declared_conflict_institutions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.fields["track"].queryset = conference.tracks.all()
        self.fields["topics"].queryset = conference.topics.all()
        self.fields["declared_conflict_users"].queryset = (
            User.objects.filter(
                memberships__conference=conference,
                memberships__status=CommitteeMembership.Status.ACCEPTED,
            )
            .distinct()
            .order_by("full_name", "email")
        )
        self.fields["abstract"].required = False
        self.fields["abstract"].help_text = (
            f"{ABSTRACT_MIN_CHARS} to {ABSTRACT_MAX_CHARS} characters; needed to submit, not "
            f"for a draft."
        )
        self.fields["abstract"].widget.attrs["maxlength"] = ABSTRACT_MAX_CHARS
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        elif not self.is_bound:
            self.fields["creation_token"].initial = uuid.uuid4()

    @property
    def submitting(self):
        return self.cleaned_data.get("action") == SUBMIT

    def clean_topics(self):
        topics = self.cleaned_data["topics"]
        if len(topics) > MAX_TOPICS:
            raise forms.ValidationError(f"Choose at most {MAX_TOPICS} topics.")
        return topics

    def clean_abstract(self):
        abstract = self.cleaned_data["abstract"].strip()
        if len(abstract) > ABSTRACT_MAX_CHARS:
            raise forms.ValidationError(
                f"The abstract has {len(abstract)} characters; shorten it to {ABSTRACT_MAX_CHARS}."
            )
        return abstract

    def clean(self):
        data = super().clean()
        if data.get("action") != SUBMIT:
            return data
        if len(data.get("abstract", "")) < ABSTRACT_MIN_CHARS:
            self.add_error(
                "abstract",
                f"To submit, write an abstract of at least {ABSTRACT_MIN_CHARS} characters.",
            )
        if "topics" in data and not data["topics"]:
            self.add_error("topics", "To submit, choose at least one topic.")
        for name in ("confirms_anonymized", "confirms_not_published"):
            if not data.get(name):
                self.add_error(name, "To submit, confirm this.")
        return data

    def paper_fields(self):
        data = self.cleaned_data
        return PaperFields(
            track=data["track"],
            title=data["title"],
            abstract=data["abstract"],
            keywords=data["keywords"],
            topics=list(data["topics"]),
            first_author_student=data["first_author_student"],
            confirms_anonymized=data["confirms_anonymized"],
            confirms_not_published=data["confirms_not_published"],
            declared_conflict_users=list(data["declared_conflict_users"]),
            declared_conflict_institutions=data["declared_conflict_institutions"].strip(),
        )


class AuthorForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField()
    affiliation = forms.CharField(max_length=200, required=False)
    is_contact = forms.BooleanField(required=False, label="Contact")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class BaseAuthorFormSet(BaseFormSet):
    """Authors in order: exactly one contact author, no address twice, and the submitter
    among them (by one of their verified addresses)."""

    def __init__(self, *args, submitter_emails=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.submitter_emails = {email.lower() for email in submitter_emails}

    def kept_forms(self):
        kept = [
            form
            for form in self.forms
            if form.is_valid() and form.cleaned_data and not self._should_delete_form(form)
        ]
        return sorted(
            enumerate(kept),
            key=lambda pair: (
                pair[1].cleaned_data.get("ORDER") is None,
                pair[1].cleaned_data.get("ORDER") or 0,
                pair[0],
            ),
        )

    def clean(self):
        if any(self.errors):
            return
        kept = [form for _, form in self.kept_forms()]
        if not kept:
            raise forms.ValidationError("List at least one author.")
        if len(kept) > MAX_AUTHORS:
            raise forms.ValidationError(f"A paper can list at most {MAX_AUTHORS} authors.")
        emails = [form.cleaned_data["email"] for form in kept]
        repeated = sorted({email for email in emails if emails.count(email) > 1})
        if repeated:
            raise forms.ValidationError(
                f"Each author needs their own address: {', '.join(repeated)} "
                f"appears more than once."
            )
        contacts = sum(1 for form in kept if form.cleaned_data["is_contact"])
        if contacts != 1:
            raise forms.ValidationError(
                f"Mark exactly one author as the contact author ({contacts} marked)."
            )
        if self.submitter_emails and not self.submitter_emails & set(emails):
            raise forms.ValidationError(
                "You must be one of the authors: list yourself with your verified address "
                f"({', '.join(sorted(self.submitter_emails))})."
            )

    def entries(self):
        return [
            AuthorEntry(
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                affiliation=form.cleaned_data["affiliation"],
                is_contact=form.cleaned_data["is_contact"],
            )
            for _, form in self.kept_forms()
        ]


AuthorFormSet = formset_factory(
    AuthorForm,
    formset=BaseAuthorFormSet,
    extra=0,
    min_num=1,
    max_num=MAX_AUTHORS,
    validate_min=True,
    validate_max=True,
    can_order=True,
    can_delete=True,
)


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class WithdrawForm(ReasonForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="The chairs see this reason.",
    )


class DeskRejectForm(ReasonForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="The authors read this reason.",
    )
    notify_now = forms.BooleanField(
        required=False,
        label="Notify the authors now (otherwise they hear of it with the decisions)",
    )


class ExtensionForm(ReasonForm):
    """An individual deadline for one paper, stated like every deadline: a day and a minute AoE."""

    local_date = forms.DateField(
        label="Until (date, AoE)", widget=forms.DateInput(attrs={"type": "date"})
    )
    local_time = forms.TimeField(label="Time (AoE)", widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, conference_due=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference_due = conference_due

    def clean(self):
        data = super().clean()
        if data.get("local_date") and data.get("local_time"):
            data["until"] = due_instant(data["local_date"], data["local_time"], AOE)
            if self.conference_due and data["until"] <= self.conference_due:
                raise forms.ValidationError(
                    "An extension must end after the submission deadline "
                    "(choose a later date or time)."
                )
        return data


class ChairFilterForm(forms.Form):
    """The chair list's filters; every field is optional and bad values are ignored."""

    SORTS = {
        "number": "number",
        "-number": "-number",
        "title": "title",
        "-title": "-title",
        "submitted": "submitted_at",
        "-submitted": "-submitted_at",
        "track": "track__order",
        "state": "state",
    }
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Title, abstract or author"}
        ),
    )
    track = forms.ModelChoiceField(queryset=None, required=False, empty_label="All tracks")
    topic = forms.ModelChoiceField(queryset=None, required=False, empty_label="All topics")
    state = forms.ChoiceField(
        required=False, choices=[("", "All states"), *Submission.State.choices]
    )
    verdict = forms.ChoiceField(
        required=False,
        label="Format",
        choices=[
            ("", "Any format"),
            ("fits", "Fits"),
            ("too_long", "Too long"),
            ("unverified", "Unverified"),
            ("none", "No PDF yet"),
        ],
    )
    student = forms.ChoiceField(
        required=False,
        label="Student paper",
        choices=[("", "Any"), ("yes", "Eligible"), ("no", "Not eligible")],
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("number", "Number"),
            ("-number", "Number, newest first"),
            ("title", "Title"),
            ("submitted", "Submitted, oldest first"),
            ("-submitted", "Submitted, newest first"),
            ("track", "Track"),
            ("state", "State"),
        ],
    )

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = conference.tracks.all()
        self.fields["topic"].queryset = conference.topics.all()

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.order_by("number")
        data = self.cleaned_data
        if data["q"]:
            words = data["q"].strip()
            queryset = queryset.filter(
                Q(title__icontains=words)
                | Q(abstract__icontains=words)
                | Exists(
                    Authorship.objects.filter(submission=OuterRef("pk")).filter(
                        Q(name__icontains=words) | Q(email__icontains=words)
                    )
                )
            )
        if data["track"]:
            queryset = queryset.filter(track=data["track"])
        if data["topic"]:
            queryset = queryset.filter(topics=data["topic"])
        if data["state"]:
            queryset = queryset.filter(state=data["state"])
        if data["verdict"]:
            queryset = queryset.filter(
                format_verdict="" if data["verdict"] == "none" else data["verdict"]
            )
        if data["student"]:
            queryset = queryset.filter(first_author_student=data["student"] == "yes")
        return queryset.order_by(self.SORTS.get(data["sort"] or "number", "number"), "number")
