"""Committee pages: the chairs' overview, invitations (one, by CSV, co-chairs), load caps, and
the public pages where an invited person accepts or declines."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView, View

from accounts.models import Affiliation
from conference.access import ConferenceMixin
from conference.models import CommitteeMembership
from reviews import committee
from reviews.conflict_detection import check_person
from reviews.forms_committee import CoChairForm, CsvImportForm, InviteForm, LoadCapForm
from reviews.models import Assignment, Bid, Invitation
from submissions.queries import chair_visible_submissions

CHAIR = "reviews.manage_committee"


def _count_per_user(model, user_field, visible):
    """A Subquery counting the user's rows of `model` on papers the viewer may see."""
    rows = (
        model.objects.filter(**{user_field: OuterRef("user"), "submission__in": visible})
        .order_by()
        .values(user_field)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


class CommitteeView(ConferenceMixin, TemplateView):
    """Members with role, status, load cap and work so far; invitations still open."""

    permission_required = CHAIR
    template_name = "reviews/committee/committee.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visible = chair_visible_submissions(self.request.user, self.conference).values("pk")
        members = (
            CommitteeMembership.objects.filter(conference=self.conference)
            .select_related("user", "conference")
            .annotate(
                assigned=_count_per_user(Assignment, "reviewer", visible),
                bids=_count_per_user(Bid, "reviewer", visible),
                has_affiliation=Exists(Affiliation.objects.filter(user=OuterRef("user"))),
            )
            .order_by("role", "status", "user__full_name", "user__email")
        )
        role = self.request.GET.get("role", "")
        if role in CommitteeMembership.Role.values:
            members = members.filter(role=role)
        invitations = Invitation.objects.filter(conference=self.conference).exclude(
            status=Invitation.Status.ACCEPTED
        )
        context.update(
            page=Paginator(members, 100).get_page(self.request.GET.get("page")),
            role=role,
            invitations=invitations,
            counts=dict(
                Invitation.objects.filter(conference=self.conference)
                .order_by()
                .values_list("status")
                .annotate(Count("pk"))
            ),
            cochair_form=CoChairForm(),
        )
        return context


class InviteView(ConferenceMixin, View):
    """Invite one person, or first check whom they would conflict with (nothing is sent)."""

    permission_required = CHAIR
    template_name = "reviews/committee/invite.html"

    def render_page(self, form, checked=None):
        return render(
            self.request,
            self.template_name,
            {"conference": self.conference, "form": form, "checked": checked},
        )

    def get(self, request, conference_slug):
        return self.render_page(InviteForm())

    def post(self, request, conference_slug):
        form = InviteForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Nothing was sent: please correct the fields marked below.")
            return self.render_page(form)
        data = form.cleaned_data
        if request.POST.get("action") == "check":
            return self.render_page(form, checked=self.check(data))
        try:
            invitation = committee.invite(
                actor=request.user,
                conference=self.conference,
                name=data["name"],
                email=data["email"],
                affiliation=data["affiliation"],
                max_load=data["max_load"],
            )
        except committee.InvitationRefused as refused:
            messages.error(request, str(refused))
            return self.render_page(form)
        messages.success(request, f"Invitation sent to {invitation.email}.")
        return redirect("reviews:invitation_detail", self.conference.slug, invitation.pk)

    def check(self, data):
        return check_person(
            conference=self.conference,
            submissions=chair_visible_submissions(self.request.user, self.conference),
            name=data["name"],
            email=data["email"],
            affiliation=data["affiliation"],
        )


class InvitationDetailView(ConferenceMixin, TemplateView):
    """One invitation: its state, and the conflicts its person has with the chair's papers."""

    permission_required = CHAIR
    template_name = "reviews/committee/invitation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invitation = get_object_or_404(
            Invitation, pk=kwargs["invitation_id"], conference=self.conference
        )
        context.update(
            invitation=invitation,
            checked=check_person(
                conference=self.conference,
                submissions=chair_visible_submissions(self.request.user, self.conference),
                name=invitation.name,
                email=invitation.email,
                affiliation=invitation.affiliation,
            ),
        )
        return context


class ImportView(ConferenceMixin, View):
    """Invite many people from a CSV; the result lists who was invited and each refused line."""

    permission_required = CHAIR
    template_name = "reviews/committee/import.html"

    def render_page(self, form, report=None):
        return render(
            self.request,
            self.template_name,
            {"conference": self.conference, "form": form, "report": report},
        )

    def get(self, request, conference_slug):
        return self.render_page(CsvImportForm())

    def post(self, request, conference_slug):
        form = CsvImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        try:
            report = committee.import_invitations(
                actor=request.user,
                conference=self.conference,
                text=form.cleaned_data["csv_text"],
                max_load=form.cleaned_data["max_load"],
            )
        except committee.InvitationRefused as refused:
            form.add_error(None, str(refused))
            return self.render_page(form)
        return self.render_page(CsvImportForm(), report=report)


class CoChairView(ConferenceMixin, View):
    """Invite a co-chair: the same signed-link invitation, for the chair role."""

    permission_required = CHAIR

    def post(self, request, conference_slug):
        form = CoChairForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give the co-chair's name and a valid email address.")
            return redirect("reviews:committee", conference_slug)
        try:
            invitation = committee.invite(
                actor=request.user,
                conference=self.conference,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                role=CommitteeMembership.Role.CHAIR,
            )
        except committee.InvitationRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"Co-chair invitation sent to {invitation.email}.")
        return redirect("reviews:committee", conference_slug)


class LoadCapView(ConferenceMixin, View):
    permission_required = CHAIR

    def post(self, request, conference_slug, membership_id):
        membership = get_object_or_404(
            CommitteeMembership.objects.select_related("user", "conference"),
            pk=membership_id,
            conference=self.conference,
        )
        form = LoadCapForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"Load cap of {membership.user}: {form.errors['max_load'][0]}")
        else:
            committee.set_load_cap(
                actor=request.user, membership=membership, max_load=form.cleaned_data["max_load"]
            )
            messages.success(
                request, f"{membership.user} now reviews at most {membership.load_cap} papers."
            )
        return redirect(reverse("reviews:committee", args=[conference_slug]) + "#members")


class InvitationAnswerView(View):
    """The page an invitation link opens: confirm accepting or declining with one button.

    Links only show the page; the answer is a POST, so mail scanners that open links answer
    nothing. Accepting needs a login with the invited address; declining does not.
    """

    answer = None  # "accept" or "decline", set in the URLconf
    template_name = "reviews/committee/invitation_answer.html"

    def load(self, token, conference_slug):
        try:
            invitation = committee.invitation_from_token(token)
        except committee.InvitationLinkInvalid:
            return None
        if invitation.conference.slug != conference_slug:
            return None
        return invitation

    def render_page(self, invitation, *, problem="", status=200):
        return render(
            self.request,
            self.template_name,
            {
                "conference": getattr(invitation, "conference", None),
                "invitation": invitation,
                "answer": self.answer,
                "problem": problem,
                "links": self.login_links(),
            },
            status=status,
        )

    def login_links(self):
        nxt = urlencode({"next": self.request.get_full_path()})
        return {
            "login": f"{reverse('account_login')}?{nxt}",
            "signup": f"{reverse('account_signup')}?{nxt}",
        }

    def get(self, request, conference_slug, token):
        invitation = self.load(token, conference_slug)
        if invitation is None:
            return self.invalid()
        return self.render_page(invitation, problem=committee.closed_message(invitation))

    def invalid(self):
        return self.render_page(
            None,
            problem="This invitation link is not valid. Copy the whole link from the email "
            "into your browser; if it still fails, write to the chairs.",
            status=404,
        )

    def post(self, request, conference_slug, token):
        invitation = self.load(token, conference_slug)
        if invitation is None:
            return self.invalid()
        closed = committee.closed_message(invitation)
        if closed:
            return self.render_page(invitation, problem=closed, status=409)
        if self.answer == "decline":
            return self.decline(invitation)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            committee.accept_invitation(invitation=invitation, user=request.user)
        except committee.InvitationRefused as refused:
            return self.render_page(invitation, problem=str(refused), status=409)
        messages.success(
            request,
            f"Welcome to the {invitation.conference.short_name} committee. Please complete your "
            "profile (affiliations, expertise, publications): conflicts of interest and the "
            "papers suggested to you come from it. Bidding opens to you once it is complete.",
        )
        return redirect("accounts:profile")

    def decline(self, invitation):
        try:
            committee.decline_invitation(invitation=invitation)
        except committee.InvitationRefused as refused:
            return self.render_page(invitation, problem=str(refused), status=409)
        return render(
            self.request,
            self.template_name,
            {"conference": invitation.conference, "invitation": invitation, "declined": True},
        )
