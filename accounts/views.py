from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import View

from accounts import services
from accounts.forms import AffiliationFormSet, ProfileForm, PublicationFormSet, RelationFormSet
from accounts.models import User
from conference.access import require


class ProfileEditView(LoginRequiredMixin, View):
    """The owner edits their own profile: identity, affiliations, expertise, relations."""

    template_name = "accounts/profile_edit.html"

    def build(self, data=None):
        user = self.request.user
        return (
            ProfileForm(data, instance=user),
            [
                AffiliationFormSet(data, instance=user, prefix="aff"),
                PublicationFormSet(data, instance=user, prefix="pub"),
                RelationFormSet(data, instance=user, prefix="rel"),
            ],
        )

    def render_page(self, form, formsets):
        affiliations, publications, relations = formsets
        context = {
            "form": form,
            "affiliations": affiliations,
            "publications": publications,
            "relations": relations,
        }
        return render(self.request, self.template_name, context)

    def get(self, request):
        return self.render_page(*self.build())

    def post(self, request):
        form, formsets = self.build(request.POST)
        if form.is_valid() and all(f.is_valid() for f in formsets):
            services.save_profile(form=form, formsets=formsets)
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile")
        messages.error(request, "Nothing was saved: please correct the fields marked below.")
        return self.render_page(form, formsets)


class ProfileDetailView(LoginRequiredMixin, View):
    """A profile as its owner and the chairs who handle the person see it (everyone else: 404)."""

    template_name = "accounts/profile_detail.html"

    def get(self, request, user_id):
        people = User.objects.prefetch_related(
            "affiliations", "publications", "relations", "topics", "emailaddress_set"
        )
        person = get_object_or_404(people, pk=user_id)
        require(request.user, "accounts.view_profile", person)
        return render(request, self.template_name, {"person": person})


def too_many_requests(request, exception=None):
    """allauth's rate limits answer with this page (named as handler429 in scope/urls.py)."""
    return render(request, "account/429.html", status=HTTPStatus.TOO_MANY_REQUESTS)
