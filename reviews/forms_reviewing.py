"""Forms of reviewers, chairs and authors around reviews, decisions, release and the program."""

from django import forms

from conference.models import ProgramSession
from reviews.models import Decision
from reviews.release import EDITABLE_OUTCOMES, PLACEHOLDERS, unknown_placeholders
from reviews.reviewing import DEFAULT_FIELD_LABELS, REQUIRED_TO_SUBMIT

MARKDOWN_HELP = "Markdown: **bold**, *italic*, lists, `code`, [links](https://…)."


def scale_field(label, choices, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", "— choose —"), *choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=help_text,
    )


class ReviewForm(forms.Form):
    """The review form with the conference's labels and scales. `submitting` makes the
    fields needed for a submitted review required (drafts may be incomplete)."""

    def __init__(self, *args, scales, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        labels = scales.field_labels
        self.submitting = submitting
        text = {"rows": 6, "class": "markdown"}
        self.fields["summary"] = forms.CharField(
            label=labels["summary"], required=False, widget=forms.Textarea(attrs=text)
        )
        self.fields["strengths"] = forms.CharField(
            label=labels["strengths"], required=False, widget=forms.Textarea(attrs=text)
        )
        self.fields["weaknesses"] = forms.CharField(
            label=labels["weaknesses"], required=False, widget=forms.Textarea(attrs=text)
        )
        self.fields["questions"] = forms.CharField(
            label=labels["questions"],
            required=False,
            widget=forms.Textarea(attrs={**text, "rows": 4}),
        )
        self.fields["rating"] = scale_field(labels["rating"], scales.rating_choices)
        self.fields["confidence"] = forms.TypedChoiceField(
            label=labels["confidence"],
            choices=scales.confidence_choices,
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["recommend_oral"] = forms.TypedChoiceField(
            label=labels["recommend_oral"],
            choices=[("no", "No"), ("yes", "Yes")],
            coerce=lambda value: value == "yes",
            widget=forms.RadioSelect(attrs={"class": "inline-choices"}),
            required=False,
            empty_value=False,
        )
        self.fields["nominate_best_paper"] = forms.BooleanField(
            label=labels["nominate_best_paper"], required=False
        )
        self.fields["confidential_comment"] = forms.CharField(
            label=labels["confidential_comment"],
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Only the program chairs read this; authors and other reviewers never do.",
        )
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput(attrs={"id": "review-version"})
        )

    @classmethod
    def initial_for(cls, review):
        initial = {name: getattr(review, name) for name in DEFAULT_FIELD_LABELS}
        initial["recommend_oral"] = "yes" if review.recommend_oral else "no"
        initial["version"] = review.version
        return initial

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for name in REQUIRED_TO_SUBMIT:
                value = cleaned.get(name)
                if value is None or (isinstance(value, str) and not value.strip()):
                    self.add_error(name, "Needed to submit the review.")
        return cleaned


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Add to the discussion",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=MARKDOWN_HELP + " Authors never see the discussion.",
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=Decision.Outcome.choices, widget=forms.RadioSelect)
    note_to_authors = forms.CharField(
        label="Note to the authors (meta-review)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HELP + " Sent with the decision and shown with the reviews.",
    )
    best_paper = forms.BooleanField(label="Best Paper Award", required=False)
    best_student_paper = forms.BooleanField(label="Best Student Paper Award", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, paper, **kwargs):
        super().__init__(*args, **kwargs)
        if not paper.first_author_student:
            field = self.fields["best_student_paper"]
            field.disabled = True
            field.help_text = (
                "Not eligible: the authors did not state that the first author is a student."
            )


class BulkDecisionForm(forms.Form):
    outcome = forms.ChoiceField(choices=[("", "— outcome —"), *Decision.Outcome.choices])
    scope = forms.ChoiceField(
        choices=[("selected", "the ticked papers"), ("filtered", "all papers matching the filter")]
    )
    papers = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, paper_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["papers"].choices = [(pk, pk) for pk in paper_ids]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == "selected" and not cleaned.get("papers"):
            raise forms.ValidationError(
                "Tick at least one paper, or choose “all papers matching the filter”."
            )
        return cleaned


def parse_scale(text, name):
    """ "8: accept, good paper" lines to {"8": "accept, good paper"}; errors say which line."""
    labels = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        score, separator, label = line.partition(":")
        score = score.strip()
        if not separator or not score.isdigit() or not 1 <= int(score) <= 100:
            raise forms.ValidationError(
                f"Line {number} of the {name} scale should look like “8: accept, good paper” "
                "(a whole number from 1 to 100, a colon, a label)."
            )
        if score in labels:
            raise forms.ValidationError(f"The {name} score {score} appears twice.")
        labels[str(int(score))] = label.strip()
    if len(labels) < 2:
        raise forms.ValidationError(f"The {name} scale needs at least two scores.")
    return labels


def scale_text(labels):
    return "\n".join(f"{score}: {label}" for score, label in labels.items())


class ReviewFormSettingsForm(forms.Form):
    rating_labels = forms.CharField(
        label="Rating scale",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="One score per line: “8: accept, good paper”.",
    )
    confidence_labels = forms.CharField(
        label="Confidence scale",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One score per line.",
    )

    def __init__(self, *args, scales=None, **kwargs):
        if scales is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "rating_labels": scale_text(scales.rating_labels),
                "confidence_labels": scale_text(scales.confidence_labels),
                **{f"label_{name}": label for name, label in scales.field_labels.items()},
            }
        super().__init__(*args, **kwargs)
        for name, default in DEFAULT_FIELD_LABELS.items():
            self.fields[f"label_{name}"] = forms.CharField(
                label=f"Label of “{name.replace('_', ' ')}”",
                max_length=200,
                required=False,
                help_text=f"Default: {default}",
            )

    def clean_rating_labels(self):
        return parse_scale(self.cleaned_data["rating_labels"], "rating")

    def clean_confidence_labels(self):
        return parse_scale(self.cleaned_data["confidence_labels"], "confidence")

    def field_labels(self):
        return {
            name: self.cleaned_data.get(f"label_{name}", "").strip()
            for name in DEFAULT_FIELD_LABELS
        }


class DecisionEmailForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[(o, Decision.Outcome(o).label) for o in EDITABLE_OUTCOMES],
        widget=forms.HiddenInput,
    )
    subject = forms.CharField(max_length=200)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Placeholders: "
        + ", ".join("{{ " + name + " }}" for name in PLACEHOLDERS)
        + ". The note to authors and the reviews are added below your text.",
    )

    def clean(self):
        cleaned = super().clean()
        unknown = unknown_placeholders(cleaned.get("subject", "") + cleaned.get("body", ""))
        if unknown:
            raise forms.ValidationError(
                "Unknown placeholder(s): "
                + ", ".join("{{ " + name + " }}" for name in unknown)
                + ". Use only the ones listed below the text."
            )
        return cleaned


class PlacementForm(forms.Form):
    """One accepted paper's row on the chair's program page."""

    oral_session = forms.ModelChoiceField(
        queryset=ProgramSession.objects.none(), required=False, empty_label="— no talk —"
    )
    oral_order = forms.IntegerField(min_value=0, max_value=999, required=False)
    poster_session = forms.ModelChoiceField(
        queryset=ProgramSession.objects.none(), required=False, empty_label="— none yet —"
    )
    poster_board = forms.CharField(max_length=20, required=False)

    def __init__(self, *args, paper, orals, posters, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.paper = paper
        for name, sessions in (("oral_session", orals), ("poster_session", posters)):
            self.fields[name].queryset = sessions
            self.fields[name].label_from_instance = lambda session: (
                f"{session.starts_at.astimezone(zone):%H:%M} {session.title}"
            )
        if paper.decision.outcome != Decision.Outcome.ACCEPT_ORAL:
            del self.fields["oral_session"]
            del self.fields["oral_order"]


class CameraReadyForm(forms.Form):
    pdf = forms.FileField(label="Camera-ready PDF", help_text="The final, de-anonymized version.")


class AuthorListForm(forms.Form):
    confirm = forms.BooleanField(
        label="This author list (names, order, affiliations) is final and correct.",
    )
