from django import forms
from django.forms import inlineformset_factory

from accounts.models import Affiliation, Publication, Relation, User


class SignupForm(forms.Form):
    """allauth's sign-up form asks for the full name as well (allauth adds email and passwords)."""

    full_name = forms.CharField(max_length=200, label="Full name", help_text="As it should appear on papers.")

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "is_student", "orcid", "dblp_url", "semantic_scholar_url", "openreview_url",
                  "keywords", "topics"]
        widgets = {"topics": forms.CheckboxSelectMultiple, "keywords": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics if topics is not None else self.fields["topics"].queryset
        self.fields["topics"].help_text = "Topics you can review, across the conferences here."


AffiliationFormSet = inlineformset_factory(
    User, Affiliation, fields=["institution", "email_domain", "role", "start_year", "end_year"], extra=1
)
PublicationFormSet = inlineformset_factory(
    User, Publication, fields=["title", "year", "coauthors"], extra=1,
    widgets={"coauthors": forms.Textarea(attrs={"rows": 2})},
)
RelationFormSet = inlineformset_factory(User, Relation, fields=["kind", "name", "email"], extra=1)
