"""Forms of committee work: invitations, load caps, conflicts, bids and assignment runs."""

from django import forms
from django.core.exceptions import ValidationError

from reviews.models import Bid

MAX_CSV_BYTES = 1024 * 1024
MAX_LOAD = 200


def _load_field(**kwargs):
    return forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_LOAD,
        label="Load cap",
        help_text="Papers at most; empty: the conference default.",
        **kwargs,
    )


class InviteForm(forms.Form):
    name = forms.CharField(max_length=200, label="Full name")
    email = forms.EmailField(label="Email")
    affiliation = forms.CharField(
        max_length=200, required=False, help_text="Current institution, e.g. Georgia Tech."
    )
    max_load = _load_field()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError("Enter the person's name.")
        return name


class CoChairForm(forms.Form):
    name = forms.CharField(max_length=200, label="Full name")
    email = forms.EmailField(label="Email")


class CsvImportForm(forms.Form):
    file = forms.FileField(
        required=False, label="CSV file", help_text="Columns: name, email, affiliation."
    )
    text = forms.CharField(
        required=False,
        label="Or paste the rows",
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "Jane Roe, jane@uni.edu, Uni"}),
    )
    max_load = _load_field()

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("text", "")
        if upload:
            if upload.size > MAX_CSV_BYTES:
                raise ValidationError("The file is over 1 MB; split it and import the parts.")
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    "The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."
                ) from exc
        if not text.strip():
            raise ValidationError("Choose a CSV file or paste rows of name, email, affiliation.")
        cleaned["csv_text"] = text
        return cleaned


class LoadCapForm(forms.Form):
    max_load = _load_field()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give a reason; it is kept in the audit log."},
    )


class ConflictAddForm(ReasonForm):
    """Add a conflict between one of the chair's papers and one committee member."""

    submission = forms.TypedChoiceField(coerce=int, label="Paper")
    person = forms.TypedChoiceField(coerce=int, label="Committee member")
    field_order = ["submission", "person", "reason"]

    def __init__(self, *args, papers, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].choices = [("", "Choose a paper")] + [
            (paper.pk, f"#{paper.number} {paper.title}") for paper in papers
        ]
        self.fields["person"].choices = [("", "Choose a person")] + [
            (person.pk, f"{person} ({person.email})") for person in people
        ]


class BidForm(forms.Form):
    value = forms.TypedChoiceField(coerce=int, choices=Bid.Value.choices)


class AssignmentRunForm(forms.Form):
    affinity_weight = forms.FloatField(
        min_value=0,
        max_value=10,
        initial=1.0,
        help_text="How much the expertise match counts (affinity is between 0 and 1).",
    )
    bid_weight = forms.FloatField(
        min_value=0,
        max_value=10,
        initial=1.0,
        help_text="How much the bids count: eager 1, willing 0.5, no bid 0, in a pinch −0.5.",
    )
    one_per_institution = forms.BooleanField(
        required=False,
        label="At most one reviewer per institution on each paper",
        help_text="Compares reviewers' current institutions.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("affinity_weight") == 0 and cleaned.get("bid_weight") == 0:
            raise ValidationError(
                "With both weights at 0 every assignment scores the same: raise one of them."
            )
        return cleaned


class ReviewerChoiceForm(forms.Form):
    """Pick reviewers from a list the view builds (labels carry affinity, bid and conflicts)."""

    remove = forms.TypedChoiceField(coerce=int, required=False, label="Replace")
    add = forms.TypedChoiceField(coerce=int, required=False, label="With")

    def __init__(self, *args, current=(), candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].choices = [("", "(nobody: add)")] + list(current)
        self.fields["add"].choices = [("", "(nobody: remove)")] + list(candidates)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove") in (None, "") and cleaned.get("add") in (None, ""):
            raise ValidationError("Choose a reviewer to replace, one to add, or both.")
        return cleaned
