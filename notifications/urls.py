from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.mark_read, name="mark_read"),
    path("settings/", views.email_settings, name="settings"),
    path("follow/space/<slug:slug>/", views.follow_space, name="follow_space"),
    path("follow/thread/<int:pk>/", views.follow_thread, name="follow_thread"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
