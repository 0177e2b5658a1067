from django.urls import path

from submissions.views import author, chair, files

app_name = "submissions"
urlpatterns = [
    path("submissions/", author.DashboardView.as_view(), name="dashboard"),
    path("submissions/new/", author.SubmissionFormView.as_view(), name="create"),
    path("submissions/<int:number>/", author.DetailView.as_view(), name="detail"),
    path("submissions/<int:number>/edit/", author.SubmissionFormView.as_view(), name="edit"),
    path("submissions/<int:number>/withdraw/", author.WithdrawView.as_view(), name="withdraw"),
    path("submissions/<int:number>/<str:kind>.file", files.DownloadView.as_view(), name="download"),
    path(
        "submissions/<int:number>/<str:kind>/v<int:revision>.file",
        files.DownloadView.as_view(),
        name="download_version",
    ),
    path(
        "submissions/<int:number>/pages/v<int:revision>/<int:page>.png",
        files.ThumbnailView.as_view(),
        name="thumbnail",
    ),
    path("chair/submissions/", chair.ChairListView.as_view(), name="chair_list"),
    path("chair/submissions/export.csv", chair.ChairExportView.as_view(), name="chair_export"),
    path(
        "chair/submissions/<int:number>/desk-reject/",
        chair.DeskRejectView.as_view(),
        name="desk_reject",
    ),
    path(
        "chair/submissions/<int:number>/extension/", chair.ExtensionView.as_view(), name="extension"
    ),
    path(
        "chair/submissions/<int:number>/reinstate/", chair.ReinstateView.as_view(), name="reinstate"
    ),
]
