from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/", views.profile_edit, name="profile_edit"),
    path("<int:pk>/", views.profile, name="profile"),
    path("<int:pk>/activity/", views.profile_activity, name="profile_activity"),
    path("<int:pk>/deactivate/", views.deactivate_user, name="deactivate_user"),
    path("affiliations/", views.affiliations, name="affiliations"),
    path(
        "affiliations/<int:pk>/withdraw/", views.withdraw_affiliation, name="withdraw_affiliation"
    ),
    path("focal-point/", views.focal_point, name="focal_point"),
    path(
        "focal-point/affiliations/<int:pk>/verify/",
        views.verify_affiliation,
        name="verify_affiliation",
    ),
    path(
        "focal-point/affiliations/<int:pk>/reject/",
        views.reject_affiliation,
        name="reject_affiliation",
    ),
    path(
        "focal-point/affiliations/<int:pk>/revoke/",
        views.revoke_affiliation,
        name="revoke_affiliation",
    ),
    path(
        "focal-point/affiliations/<int:pk>/appoint-focal-point/",
        views.appoint_focal_point,
        name="appoint_focal_point",
    ),
    path(
        "focal-point/affiliations/<int:pk>/remove-focal-point/",
        views.remove_focal_point,
        name="remove_focal_point",
    ),
    path("focal-point/invitations/", views.invite_colleague, name="invite_colleague"),
    path(
        "focal-point/invitations/<int:pk>/cancel/",
        views.cancel_invitation,
        name="cancel_invitation",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
