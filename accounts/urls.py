from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("<int:pk>/", views.profile, name="profile"),
    path("affiliations/", views.affiliations, name="affiliations"),
    path("focal-point/", views.focal_point, name="focal_point"),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
