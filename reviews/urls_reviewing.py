from django.urls import path

from conference.views_program import ProgramPlacementView
from reviews import views_author, views_chair, views_release, views_reviewing

urlpatterns = [
    path("reviewing/", views_reviewing.ReviewerHomeView.as_view(), name="reviewer_home"),
    path("reviewing/<int:number>/", views_reviewing.ReviewView.as_view(), name="review"),
    path(
        "reviewing/<int:number>/autosave/",
        views_reviewing.AutosaveView.as_view(),
        name="review_autosave",
    ),
    path(
        "papers/<int:number>/discussion/",
        views_reviewing.CommentView.as_view(),
        name="comment",
    ),
    path(
        "papers/<int:number>/reviews/",
        views_author.AuthorReviewsView.as_view(),
        name="author_reviews",
    ),
    path(
        "papers/<int:number>/camera-ready/",
        views_author.CameraReadyUploadView.as_view(),
        name="camera_ready_upload",
    ),
    path(
        "papers/<int:number>/camera-ready/authors/",
        views_author.ConfirmAuthorsView.as_view(),
        name="camera_ready_authors",
    ),
    path("chair/papers/", views_chair.DashboardView.as_view(), name="chair_dashboard"),
    path("chair/papers/plots/", views_chair.PlotsView.as_view(), name="chair_plots"),
    path("chair/papers.csv", views_chair.ExportView.as_view(), name="chair_export"),
    path(
        "chair/papers/bulk-decision/",
        views_chair.BulkDecisionView.as_view(),
        name="bulk_decision",
    ),
    path("chair/papers/<int:number>/", views_chair.ChairPaperView.as_view(), name="chair_paper"),
    path("chair/reviews/remind-late/", views_chair.RemindLateView.as_view(), name="remind_late"),
    path(
        "chair/review-form/",
        views_chair.ReviewFormSettingsView.as_view(),
        name="review_form_settings",
    ),
    path("chair/release/", views_release.ReleaseView.as_view(), name="release"),
    path(
        "chair/release/progress/",
        views_release.ReleaseProgressView.as_view(),
        name="release_progress",
    ),
    path("chair/program/", ProgramPlacementView.as_view(), name="program"),
]
