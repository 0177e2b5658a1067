"""The view side of the permission layer: every conference-scoped view goes through here.

Objects a user may not see are 404, not 403, so that their existence does not leak.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404

from conference.models import Conference


def require(user, perm, obj):
    """Raise 404 unless the user has the permission on the object."""
    if not user.has_perm(perm, obj):
        raise Http404("Not found.")


class ConferenceMixin:
    """Loads the conference named by the URL and checks `permission_required` against it.

    Anonymous visitors are sent to the login page; signed-in users without the permission get 404.
    """

    permission_required = None
    login_required = True

    def dispatch(self, request, *args, **kwargs):
        self.conference = get_object_or_404(Conference, slug=kwargs["conference_slug"])
        if self.login_required and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if self.permission_required and not request.user.has_perm(
            self.permission_required, self.conference
        ):
            raise Http404("Not found.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["conference"] = self.conference
        return context
