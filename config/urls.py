from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from accounts import sign_in
from config import views

# The admin signs in through allauth (its login page, its two-factor step), never with a
# password alone on the admin's own form.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

# Not a Django setting: allauth's rate limits answer through ``<ROOT_URLCONF>.handler429``.
handler429 = sign_in.too_many_requests

urlpatterns = [
    path("", include("dialogue.urls")),
    path("", include("forums.urls")),
    path("", include("search.urls")),
    # allauth's sign-in page, answering 429 when rate-limited (accounts.sign_in): the same
    # path and name as allauth's own pattern, which it shadows.
    path("accounts/login/", sign_in.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("people/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
