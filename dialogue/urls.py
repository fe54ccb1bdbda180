from django.urls import path

from audit import views as audit_views
from dialogue import views

app_name = "dialogue"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("s/<slug:slug>/", views.space_home, name="space"),
    path("s/<slug:slug>/join/", views.join, name="join"),
    path("s/<slug:slug>/request/", views.request_to_join, name="request"),
    path("s/<slug:slug>/request/cancel/", views.cancel_request, name="cancel_request"),
    path("s/<slug:slug>/leave/", views.leave, name="leave"),
    path("s/<slug:slug>/invitation/", views.respond_to_invitation, name="respond_invitation"),
    path("s/<slug:slug>/members/", views.members, name="members"),
    path("s/<slug:slug>/members/invite/", views.invite, name="invite"),
    path("s/<slug:slug>/members/advisers/", views.admit_adviser, name="admit_adviser"),
    path("s/<slug:slug>/members/<int:pk>/approve/", views.approve_request, name="approve"),
    path("s/<slug:slug>/members/<int:pk>/reject/", views.reject_request, name="reject"),
    path("s/<slug:slug>/members/<int:pk>/remove/", views.remove_member, name="remove"),
    path("s/<slug:slug>/members/<int:pk>/role/", views.set_role, name="set_role"),
    path("s/<slug:slug>/audit/", audit_views.space_audit, name="space_audit"),
    path("staff/audit/", audit_views.staff_audit, name="staff_audit"),
    path("staff/caucuses/", views.staff_caucuses, name="staff_caucuses"),
    path("staff/countries/", views.staff_countries, name="staff_countries"),
]
