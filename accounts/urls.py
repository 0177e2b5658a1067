from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.ProfileEditView.as_view(), name="profile"),
    path("<int:user_id>/", views.ProfileDetailView.as_view(), name="detail"),
]
