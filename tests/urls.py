"""The test settings' URLconf: the site's, plus the test-only memos app (tests/memos)."""

from django.urls import include, path

from config.urls import handler429
from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [*site_urlpatterns, path("memos/", include("tests.memos.urls"))]

__all__ = ["handler429", "urlpatterns"]
