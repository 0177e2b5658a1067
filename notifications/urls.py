from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.OutboxView.as_view(), name="outbox"),
    path("<int:email_id>/", views.EmailDetailView.as_view(), name="detail"),
    path("<int:email_id>/<str:action>/", views.EmailActionView.as_view(), name="action"),
]
