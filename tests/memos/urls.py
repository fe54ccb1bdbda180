from django.urls import path

from tests.memos import views

app_name = "memos"
urlpatterns = [path("<slug:slug>/<int:pk>/", views.detail, name="detail")]
