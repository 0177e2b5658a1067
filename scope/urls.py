from django.contrib import admin
from django.urls import include, path

from conference.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("<slug:conference_slug>/", include("conference.urls")),
    path("<slug:conference_slug>/outbox/", include("notifications.urls")),
    path("<slug:conference_slug>/", include("reviews.urls")),
    path("<slug:conference_slug>/program/", include("conference.urls_public")),
    path("<slug:conference_slug>/", include("submissions.urls")),
]

# allauth's rate limits (login, sign-up, password reset) answer with this page.
handler429 = "accounts.views.too_many_requests"
