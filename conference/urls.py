from django.urls import path

from conference import views

app_name = "conference"
urlpatterns = [
    path("", views.ConferenceHomeView.as_view(), name="home"),
    path("dates/", views.DeadlinesView.as_view(), name="deadlines"),
    path("chair/settings/", views.SettingsView.as_view(), name="settings"),
    path("chair/audit/", views.AuditLogView.as_view(), name="audit"),
]
