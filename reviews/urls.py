from django.urls import include, path

app_name = "reviews"
urlpatterns = [
    path("", include("reviews.urls_committee")),
    path("", include("reviews.urls_reviewing")),
]
