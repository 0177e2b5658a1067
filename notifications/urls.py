from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.OutboxView.as_view(), name="outbox"),
    path("<int:email_id>/", views.EmailDetailView.as_view(), name="detail"),
    path("<int:email_id>/resend/", views.EmailActionView.as_view(action="resend"), name="resend"),
    path("<int:email_id>/cancel/", views.EmailActionView.as_view(action="cancel"), name="cancel"),
]
