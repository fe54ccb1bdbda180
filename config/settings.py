"""Tripartite settings: one module, driven by environment variables.

With no environment set the site runs embedded (SQLite, in-memory channel layer, local-memory
cache, console email, tasks run on commit in-process). Production is switched on by
``DJANGO_ENV=production``: DEBUG off, tasks on the database backend, HTTPS-only cookies and
HSTS. With DEBUG off (production, or ``DEBUG=0`` alone) ``SECRET_KEY`` and ``ALLOWED_HOSTS``
are required and the import fails loudly without them. ``DATABASE_URL`` and ``REDIS_URL``
switch the database, channel layer and cache independently, so tests can run against the
real servers. Every variable is listed in README.md; tests/test_settings.py checks the
combinations.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = env(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


PRODUCTION = env("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)
TESTING = env_bool("TRIPARTITE_TESTING", False)

if PRODUCTION or not DEBUG:
    SECRET_KEY = env("SECRET_KEY")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
else:
    SECRET_KEY = env("SECRET_KEY", "django-insecure-embedded-development-key-do-not-deploy")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])


def _served_at() -> str:
    """Where ``python3 run.py serve`` listens (HOST, PORT): the default base of links in
    emails, so they follow the port a newcomer chose. A wildcard bind is reached locally."""
    host = env("HOST", "127.0.0.1")
    if host in {"0.0.0.0", "::", "[::]"}:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{env('PORT', '8000')}"


SITE_URL = env("SITE_URL", _served_at()).rstrip("/")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "taggit",
    "csp",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "core",
    "accounts",
    "audit",
    "dialogue",
    "forums",
    "search",
    "notifications",
]
if TESTING:
    # A test-only app that plugs into every seam (tests/memos); its URLs join the site's.
    INSTALLED_APPS.append("tests.memos")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside the session and the user, so it sees whether the response depended on them.
    "config.middleware.PrivateResponseCacheControlMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "tests.urls" if TESTING else "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.standing",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Under ASGI every request runs in its own thread with its own connection: pool them,
        # sized deliberately (psycopg_pool's default of 4 starves Daphne under load).
        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": int(env("DB_POOL_MIN", "2")),
                "max_size": int(env("DB_POOL_MAX", "20")),
                "timeout": int(env("DB_POOL_TIMEOUT", "10")),
            }
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # IMMEDIATE transactions and WAL (set on connect, accounts.apps) avoid
            # "database is locked" under concurrent writers.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Redis: channel layer and cache -----------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 defaults socket_timeout to 5 s, which aborts channels-redis's 5 s
                # blocking BZPOPMIN and kills every idle consumer (channels_redis#422): wait
                # longer than the pop, but still notice a dead Redis.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                # The default capacity (100) silently drops messages in a burst.
                "capacity": 1000,
                "expiry": 60,
                "group_expiry": 86400,
                "prefix": env("CHANNEL_PREFIX", "tripartite"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_PREFIX", "tripartite"),
            "OPTIONS": {
                # Fail open: a Redis outage must not take the site down (rate limits relax
                # while Redis is away; documented in docs/deployment.md).
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions stay in the database so a cache outage never logs anyone out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Background tasks -----------------------------------------------------------------------
# The immediate backend runs a task as soon as it is enqueued; our code enqueues through
# accounts.tasks_util.enqueue_on_commit so it never runs before the transaction commits.
TASK_BACKEND = env("TASK_BACKEND", "database" if PRODUCTION else "immediate")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASK_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Tripartite <no-reply@tripartite.local>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# The file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend) writes
# here; the worker-restart test counts the files.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
# Notifications (docs/notifications.md): an optional mailto: for List-Unsubscribe, the
# local hour of daily and weekly digests, and the bounce webhook's shared secret.
NOTIFICATIONS_UNSUBSCRIBE_MAILTO = env("NOTIFICATIONS_UNSUBSCRIBE_MAILTO", "")
NOTIFICATIONS_DIGEST_HOUR = int(env("NOTIFICATIONS_DIGEST_HOUR", "7"))

# --- Authentication (django-allauth) ----------------------------------------------------------
# allauth's backend alone: it is a ModelBackend (permissions, sessions) that also signs in the
# admin site by email, and it hashes the password exactly once per attempt, for a known
# address or an unknown one. With Django's ModelBackend in front, every failed attempt was
# hashed twice (once by each backend).
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dialogue:directory"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tripartite] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# allauth's rate limits use the cache, which fails open while Redis is away. Its defaults
# stand; sign-in failures are spelt out because the adapter changes what "key" means: the
# per-key part counts (address, account), so failures from one address never lock the owner
# out elsewhere (accounts.adapters). A limited attempt answers 429 (accounts.sign_in). The
# address is the peer's, or the proxy's X-Real-IP (as the audit log records it).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Sign-up hashes the password for a known address too (accounts/forms.py: timing).
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tripartite"
# Activating TOTP records the code as the session's second factor (the two-factor
# middleware requires one for staff, moderators and focal points).
MFA_FORMS = {"activate_totp": "accounts.forms.ActivateTOTPForm"}
if TESTING and DEBUG:
    # Lets browser tests pass the TOTP step; allauth refuses it with DEBUG off.
    MFA_TOTP_INSECURE_BYPASS_CODE = "000000"

# --- Internationalization -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ja", _("Japanese")),
    ("lo", _("Lao")),
    ("ms", _("Malay")),
    ("hi", _("Hindi")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = None  # uploads are never served from a public URL: only through access-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security -------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preload is a commitment for the whole domain; an operator opts in deliberately. We keep
    # the check clean by setting it from the environment (default on, see docs/deployment.md).
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Strict CSP: no inline script or style anywhere. data: images only for the TOTP QR code.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Uploads and frames ---------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Forum attachments (forums/attachments.py): per-file size and per-post count. The proxy's
# client_max_body_size must exceed count × size plus the form (deploy/nginx.conf: 60m).
TRIPARTITE_ATTACHMENT_MAX_BYTES = int(env("TRIPARTITE_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
TRIPARTITE_ATTACHMENTS_PER_POST = int(env("TRIPARTITE_ATTACHMENTS_PER_POST", "5"))
# Above the per-post count, so choosing a few too many files gets the form's own message
# (with the text kept) rather than Django's bare 400; files beyond this are refused outright.
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Uploads over 2.5 MiB stream to a temporary file (Django's default), not memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
# Stored files readable by the service account only (Django's default is world-readable).
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
if TESTING and not env("MEDIA_ROOT"):
    # The test suite keeps uploads in memory (tests that need the disk point MEDIA_ROOT at a
    # temporary folder and switch back to FileSystemStorage); browser tests set MEDIA_ROOT.
    STORAGES["default"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
WEBSOCKET_MAX_FRAME_BYTES = 64 * 1024
# Re-join per-user groups this often (seconds); well inside channels-redis group expiry.
WEBSOCKET_HEARTBEAT_SECONDS = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
