"""Public pages of a published program; nothing here needs a login."""

from django.urls import path

from conference import views_public

app_name = "public"
urlpatterns = [
    path("", views_public.ScheduleView.as_view(), name="schedule"),
    path("papers/", views_public.AcceptedPapersView.as_view(), name="papers"),
    path("papers.json", views_public.PapersJsonView.as_view(), name="papers_json"),
    path("program.ics", views_public.CalendarView.as_view(), name="ics"),
    path("papers/<int:number>.pdf", views_public.CameraReadyPdfView.as_view(), name="pdf"),
]
