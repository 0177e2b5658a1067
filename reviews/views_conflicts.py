"""The chairs' conflicts page: every conflict on the papers they handle, with its evidence;
recompute, add, override (with a reason), restore and remove."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from accounts.models import User
from conference.access import ConferenceMixin, require
from conference.models import CommitteeMembership
from reviews import conflict_sync, jobs
from reviews.forms_committee import ConflictAddForm, ReasonForm
from reviews.models import BackgroundJob, Conflict
from submissions.models import Submission
from submissions.queries import chair_visible_submissions

CHAIR = "reviews.manage_committee"


def committee_people(conference):
    return (
        User.objects.filter(
            memberships__conference=conference,
            memberships__status=CommitteeMembership.Status.ACCEPTED,
        )
        .distinct()
        .order_by("full_name", "email")
    )


class ConflictsView(ConferenceMixin, TemplateView):
    permission_required = CHAIR
    template_name = "reviews/committee/conflicts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = chair_visible_submissions(self.request.user, self.conference)
        conflicts = Conflict.objects.filter(submission__in=visible.values("pk"))
        kind = self.request.GET.get("kind", "")
        show = self.request.GET.get("show", "")
        counts = dict(conflicts.order_by().values_list("kind").annotate(Count("pk")))
        listed = conflicts.select_related("submission", "user").order_by(
            "submission__number", "user__full_name", "kind"
        )
        if kind in Conflict.Kind.values:
            listed = listed.filter(kind=kind)
        if show == "overridden":
            listed = listed.filter(overridden=True)
        context.update(
            page=Paginator(listed, 100).get_page(self.request.GET.get("page")),
            kind=kind,
            show=show,
            kinds=[(value, label, counts.get(value, 0)) for value, label in Conflict.Kind.choices],
            total=sum(counts.values()),
            overridable=conflict_sync.OVERRIDABLE_KINDS,
            job=jobs.latest_job(conference=self.conference, kind=BackgroundJob.Kind.CONFLICTS),
            add_form=kwargs.get("add_form")
            or ConflictAddForm(
                papers=visible.order_by("number").only("pk", "number", "title"),
                people=committee_people(self.conference),
            ),
        )
        return context


class RecomputeConflictsView(ConferenceMixin, View):
    permission_required = CHAIR

    def post(self, request, conference_slug):
        conflict_sync.schedule_conflict_recompute(conference=self.conference, actor=request.user)
        messages.success(request, "Conflicts are being recomputed; the list updates when done.")
        return redirect("reviews:conflicts", conference_slug)


class AddConflictView(ConflictsView):
    """POST only; an invalid form shows the conflicts page again with the form's errors."""

    http_method_names = ["post"]

    def post(self, request, conference_slug):
        visible = chair_visible_submissions(request.user, self.conference)
        people = committee_people(self.conference)
        form = ConflictAddForm(request.POST, papers=visible.order_by("number"), people=people)
        if not form.is_valid():
            messages.error(request, "No conflict was added: correct the fields marked below.")
            return self.render_to_response(self.get_context_data(add_form=form))
        submission = get_object_or_404(visible, pk=form.cleaned_data["submission"])
        require(request.user, "reviews.manage_conflicts", submission)
        person = get_object_or_404(people, pk=form.cleaned_data["person"])
        try:
            conflict_sync.add_conflict(
                actor=request.user,
                submission=submission,
                user=person,
                reason=form.cleaned_data["reason"],
            )
        except conflict_sync.ConflictChangeRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request, f"{person} now has a conflict with paper #{submission.number}."
            )
        return redirect("reviews:conflicts", conference_slug)


class ConflictChangeView(ConferenceMixin, View):
    """POST only: override, restore or remove one conflict on a paper the chair handles."""

    permission_required = CHAIR
    change = None  # "override", "restore" or "remove", set in the URLconf

    def post(self, request, conference_slug, conflict_id):
        conflict = get_object_or_404(
            Conflict.objects.select_related("submission__conference", "user"),
            pk=conflict_id,
            submission__conference=self.conference,
        )
        require(request.user, "reviews.manage_conflicts", conflict.submission)
        back = reverse("reviews:conflicts", args=[conference_slug]) + f"#conflict-{conflict.pk}"
        form = ReasonForm(request.POST)
        if self.change != "restore" and not form.is_valid():
            messages.error(request, "Nothing changed: give a reason; it is kept in the audit log.")
            return redirect(back)
        try:
            if self.change == "override":
                conflict_sync.override_conflict(
                    actor=request.user, conflict=conflict, reason=form.cleaned_data["reason"]
                )
                done = "overridden: it no longer blocks"
            elif self.change == "restore":
                conflict_sync.restore_conflict(actor=request.user, conflict=conflict)
                done = "restored: it blocks again"
            else:
                conflict_sync.remove_conflict(
                    actor=request.user, conflict=conflict, reason=form.cleaned_data["reason"]
                )
                done = "removed"
        except conflict_sync.ConflictChangeRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                f"Conflict of {conflict.user} with paper #{conflict.submission.number} {done}.",
            )
        return redirect(back)


def visible_paper_or_404(user, conference, number, perm):
    """The paper with this number in the conference if the user has `perm` on it; else 404."""
    submission = get_object_or_404(
        Submission.objects.select_related("conference", "track"),
        number=number,
        conference=conference,
    )
    require(user, perm, submission)
    return submission
