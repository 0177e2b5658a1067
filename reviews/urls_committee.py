from django.urls import path

from reviews import views_assignment, views_bidding, views_committee, views_conflicts

urlpatterns = [
    path("chair/committee/", views_committee.CommitteeView.as_view(), name="committee"),
    path("chair/committee/invite/", views_committee.InviteView.as_view(), name="committee_invite"),
    path("chair/committee/import/", views_committee.ImportView.as_view(), name="committee_import"),
    path(
        "chair/committee/co-chairs/",
        views_committee.CoChairView.as_view(),
        name="committee_cochair",
    ),
    path(
        "chair/committee/members/<int:membership_id>/load/",
        views_committee.LoadCapView.as_view(),
        name="committee_load_cap",
    ),
    path(
        "chair/committee/invitations/<int:invitation_id>/",
        views_committee.InvitationDetailView.as_view(),
        name="invitation_detail",
    ),
    path(
        "invitation/<str:token>/accept/",
        views_committee.InvitationAnswerView.as_view(answer="accept"),
        name="invitation_accept",
    ),
    path(
        "invitation/<str:token>/decline/",
        views_committee.InvitationAnswerView.as_view(answer="decline"),
        name="invitation_decline",
    ),
    path("chair/conflicts/", views_conflicts.ConflictsView.as_view(), name="conflicts"),
    path(
        "chair/conflicts/recompute/",
        views_conflicts.RecomputeConflictsView.as_view(),
        name="conflicts_recompute",
    ),
    path("chair/conflicts/add/", views_conflicts.AddConflictView.as_view(), name="conflict_add"),
    path(
        "chair/conflicts/<int:conflict_id>/override/",
        views_conflicts.ConflictChangeView.as_view(change="override"),
        name="conflict_override",
    ),
    path(
        "chair/conflicts/<int:conflict_id>/restore/",
        views_conflicts.ConflictChangeView.as_view(change="restore"),
        name="conflict_restore",
    ),
    path(
        "chair/conflicts/<int:conflict_id>/remove/",
        views_conflicts.ConflictChangeView.as_view(change="remove"),
        name="conflict_remove",
    ),
    path("chair/jobs/<int:job_id>/", views_assignment.JobProgressView.as_view(), name="job"),
    path("chair/affinity/", views_assignment.AffinityView.as_view(), name="affinity"),
    path("bids/", views_bidding.BidsView.as_view(), name="bids"),
    path("bids/<int:number>/", views_bidding.BidSaveView.as_view(), name="bid_save"),
    path(
        "chair/assignment/",
        views_assignment.AssignmentRunsView.as_view(),
        name="assignment_runs",
    ),
    path(
        "chair/assignment/<int:job_id>/", views_assignment.ProposalView.as_view(), name="proposal"
    ),
    path(
        "chair/assignment/<int:job_id>/papers/<int:number>/",
        views_assignment.ProposalPaperView.as_view(),
        name="proposal_paper",
    ),
    path(
        "chair/assignment/<int:job_id>/commit/",
        views_assignment.ProposalCommitView.as_view(),
        name="proposal_commit",
    ),
    path("chair/assignments/", views_assignment.AssignmentsView.as_view(), name="assignments"),
    path(
        "chair/assignments/<int:number>/",
        views_assignment.AssignmentPaperView.as_view(),
        name="assignment_paper",
    ),
    path(
        "chair/assignments/<int:number>/unassign/<int:reviewer_id>/",
        views_assignment.AssignmentRemoveView.as_view(),
        name="assignment_remove",
    ),
]
