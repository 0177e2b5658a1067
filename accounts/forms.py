"""Sign-up and profile forms. Bad input is cleaned where the intent is clear (a pasted URL where
a domain belongs) and refused with a message that says what to type otherwise."""

import re
from urllib.parse import urlsplit

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils import timezone

from accounts.models import Affiliation, Publication, Relation, User
from conference.forms import https_url_fields
from conference.models import Topic

DOMAIN_PATTERN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
ORCID_PATTERN = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])")
EARLIEST_YEAR = 1950
# Profile links: the field, the hosts it may point to, and an example to show when it does not.
PROFILE_HOSTS = {
    "dblp_url": (("dblp.org", "dblp.uni-trier.de"), "https://dblp.org/pid/12/3456.html"),
    "semantic_scholar_url": (
        ("semanticscholar.org",),
        "https://www.semanticscholar.org/author/1234567",
    ),
    "openreview_url": (("openreview.net",), "https://openreview.net/profile?id=~Jane_Doe1"),
}


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form (email, passwords) with the full name first."""

    full_name = forms.CharField(
        max_length=200, label="Full name", help_text="As it should appear on papers."
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())


def clean_email_domain(value):
    """The part after the @ of a work address: 'https://www.CMU.edu/', 'jane@cmu.edu' -> 'cmu.edu'."""
    text = value.strip().lower()
    if not text:
        return ""
    text = text.rsplit("@", 1)[-1]
    if "://" in text:
        text = urlsplit(text).hostname or ""
    text = re.split(r"[/?#:]", text, maxsplit=1)[0].strip(".").removeprefix("www.")
    if not DOMAIN_PATTERN.fullmatch(text):
        raise ValidationError(
            f"“{value.strip()}” is not an email domain. Enter what follows the @ in your work "
            "address, such as cmu.edu."
        )
    return text


def clean_orcid(value):
    """An ORCID iD as 0000-0002-1825-0097, from the bare iD or its orcid.org URL; checksum checked."""
    text = value.strip().upper().removeprefix("HTTPS://").removeprefix("HTTP://")
    text = text.removeprefix("WWW.").removeprefix("ORCID.ORG/")
    if not text:
        return ""
    match = ORCID_PATTERN.fullmatch(text)
    if not match:
        raise ValidationError(
            "Enter your ORCID iD as 16 digits such as 0000-0002-1825-0097 "
            "(or paste your https://orcid.org/ link)."
        )
    digits = "".join(match.groups())
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    if digits[-1] != ("X" if check == 10 else str(check)):
        raise ValidationError("This ORCID iD has a typo: its last digit does not match. Check it.")
    return "-".join(match.groups())


def check_year(value, *, latest, what):
    if value is not None and not EARLIEST_YEAR <= value <= latest:
        raise ValidationError(f"Enter {what} between {EARLIEST_YEAR} and {latest}.")
    return value


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        formfield_callback = https_url_fields
        fields = [
            "full_name",
            "is_student",
            "orcid",
            "dblp_url",
            "semantic_scholar_url",
            "openreview_url",
            "keywords",
            "topics",
        ]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "keywords": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"is_student": "I am currently a student"}
        help_texts = {
            "is_student": "Papers you first-author are then eligible for the Best Student Paper Award.",
            "orcid": "e.g. 0000-0002-1825-0097",
            "keywords": "Comma separated, e.g. state space models, KV cache compression.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        topics = self.fields["topics"]
        topics.queryset = Topic.objects.select_related("conference").order_by(
            "conference__short_name", "order", "name"
        )
        topics.help_text = "Topics you can review, across the conferences here."
        if len({topic.conference_id for topic in topics.queryset}) > 1:
            topics.label_from_instance = lambda t: f"{t.conference.short_name}: {t.name}"
        for name, (_hosts, example) in PROFILE_HOSTS.items():
            self.fields[name].widget.attrs["placeholder"] = example

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_orcid(self):
        return clean_orcid(self.cleaned_data["orcid"])

    def clean_keywords(self):
        seen, keywords = set(), []
        for keyword in re.split(r"[,;\n]", self.cleaned_data["keywords"]):
            keyword = " ".join(keyword.split())
            if keyword and keyword.lower() not in seen:
                seen.add(keyword.lower())
                keywords.append(keyword)
        return ", ".join(keywords)

    def clean(self):
        cleaned = super().clean()
        for name, (hosts, example) in PROFILE_HOSTS.items():
            url = cleaned.get(name)
            if not url:
                continue
            host = (urlsplit(url).hostname or "").removeprefix("www.")
            if host not in hosts:
                self.add_error(name, f"This is not a {hosts[0]} link. It looks like {example}")
        return cleaned


class AffiliationForm(forms.ModelForm):
    class Meta:
        model = Affiliation
        fields = ["institution", "email_domain", "role", "start_year", "end_year"]
        labels = {"start_year": "From (year)", "end_year": "To (year)"}

    def clean_institution(self):
        return " ".join(self.cleaned_data["institution"].split())

    def clean_email_domain(self):
        return clean_email_domain(self.cleaned_data["email_domain"])

    def clean_start_year(self):
        latest = timezone.now().year + 1
        return check_year(self.cleaned_data["start_year"], latest=latest, what="a start year")

    def clean_end_year(self):
        latest = timezone.now().year + 10
        return check_year(self.cleaned_data["end_year"], latest=latest, what="an end year")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error(
                "end_year",
                f"The end year is before the start year ({start}). "
                "Leave it empty while you are still there.",
            )
        return cleaned


class PublicationForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = ["title", "year", "coauthors"]
        widgets = {"coauthors": forms.Textarea(attrs={"rows": 2})}
        labels = {"coauthors": "Co-authors"}

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_year(self):
        latest = timezone.now().year + 1
        return check_year(self.cleaned_data["year"], latest=latest, what="a year")


class RelationForm(forms.ModelForm):
    class Meta:
        model = Relation
        fields = ["kind", "name", "email"]
        labels = {"kind": "Relation", "email": "Email (optional)"}


def profile_formset(model, form):
    return inlineformset_factory(User, model, form=form, extra=1)


AffiliationFormSet = profile_formset(Affiliation, AffiliationForm)
PublicationFormSet = profile_formset(Publication, PublicationForm)
RelationFormSet = profile_formset(Relation, RelationForm)
