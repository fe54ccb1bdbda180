from django.urls import path

from forums import views

app_name = "forums"

urlpatterns = [
    path("s/<slug:slug>/threads/", views.space_threads, name="space_threads"),
    path("s/<slug:slug>/threads/new/", views.new_thread, name="new_thread"),
    path("s/<slug:slug>/tags/<slug:tag>/", views.tag_threads, name="tag"),
    path("s/<slug:slug>/review/", views.review_queue, name="review"),
    path(
        "s/<slug:slug>/review/<int:flag_pk>/dismiss/", views.dismiss_flag, name="dismiss_flag"
    ),
    path("tags/<slug:tag>/", views.tag_everywhere, name="tag_everywhere"),
    path("t/<int:pk>/", views.thread_detail, name="thread"),
    path("t/<int:pk>/reply/", views.reply, name="reply"),
    path("t/<int:pk>/moderate/", views.moderate_thread, name="moderate"),
    path("p/<int:pk>/", views.post_permalink, name="post"),
    path("p/<int:pk>/fragment/", views.post_fragment, name="post_fragment"),
    path("p/<int:pk>/edit/", views.edit_post, name="edit_post"),
    path("p/<int:pk>/delete/", views.delete_post, name="delete_post"),
    path("p/<int:pk>/support/", views.support_post, name="support_post"),
    path("p/<int:pk>/flag/", views.flag_post, name="flag_post"),
    path("p/<int:pk>/history/", views.post_history, name="post_history"),
    path("p/<int:pk>/hide/", views.hide_post, name="hide_post"),
    path("p/<int:pk>/restore/", views.restore_post, name="restore_post"),
    path("a/<int:pk>/", views.attachment, name="attachment"),
    path("s/<slug:slug>/mentions/", views.mention_suggest, name="mention_suggest"),
    path("t/<int:pk>/unread/", views.first_unread, name="first_unread"),
    path("s/<slug:slug>/threads/mark-read/", views.mark_space_read, name="mark_space_read"),
]
