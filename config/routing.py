from django.urls import path

from dialogue.consumers import SiteConsumer

websocket_urlpatterns = [
    path("ws/", SiteConsumer.as_asgi()),
]
