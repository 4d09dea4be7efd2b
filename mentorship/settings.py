"""Settings for Medical Mentorship, read from the environment.

With no environment at all the app runs embedded: SQLite, a filesystem Celery
broker and a file cache under ``var/``, emails written to ``var/mail``.
``DATABASE_URL`` switches to PostgreSQL and ``REDIS_URL`` to Redis for Celery
and the cache. ``DEBUG=false`` is production mode: it requires ``SECRET_KEY``
and ``ALLOWED_HOSTS`` and turns on every security setting ``check --deploy``
looks for. A malformed value stops start-up with a message naming the variable.
"""

import datetime
import os
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Absolute address of the site, for links in emails and one-click check-ins. By default the
# address `make run` serves (PORT, 8000 unless set), so links work on whatever port was chosen.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}.")

INSTALLED_APPS = [
    "mentorship.admin.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "allauth",
    "allauth.account",
    "accounts",
    "matching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.TimezoneMiddleware",
    "matching.middleware.NotificationsReadOnArrivalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "mentorship.headers.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "matching.views.followup.unread_notifications",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (or anything dj-database-url reads) from DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL")
_database: dict[str, Any]
if DATABASE_URL:
    try:
        _database = dict(
            dj_database_url.parse(
                DATABASE_URL,
                conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
                conn_health_checks=True,
            )
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    _database = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR_DIR / "db.sqlite3"),
        # Several local processes (web, worker, beat) share the file: wait for locks.
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
DATABASES: dict[str, dict[str, Any]] = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend behind the sign-in lockout: first, so that it refuses every
    # sign-in (page, token, admin) while the account or address is locked.
    "accounts.signin.LockoutBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"

# django-allauth: email is the login, and it must be verified before first sign-in.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Medical Mentorship] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_ADAPTER = "accounts.signin.AccountAdapter"
# Failed sign-ins are counted by accounts.signin (one lockout for the page, the token
# endpoint and the admin), not by allauth's own login_failed limit.
ACCOUNT_RATE_LIMITS = {"login_failed": None, "signup": "20/h/ip", "reset_password": "5/h/ip,5/h/key"}
SIGNIN_FAILURES_PER_ACCOUNT = env_int("SIGNIN_FAILURES_PER_ACCOUNT", 5)
SIGNIN_FAILURES_PER_ADDRESS = env_int("SIGNIN_FAILURES_PER_ADDRESS", 100)
SIGNIN_WINDOW_SECONDS = env_int("SIGNIN_WINDOW_SECONDS", 15 * 60)

# How many reverse proxies in front of the app append to X-Forwarded-For (0: none, the
# client connects directly). The client address is the one the outermost trusted proxy
# saw; used by the sign-in lockout, DRF's throttles and allauth's rate limits alike.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, not {TRUSTED_PROXY_COUNT}.")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # stored and computed in UTC; shown in each viewer's zone (accounts.middleware)
FORMAT_MODULE_PATH = ["mentorship.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Redis serves as Celery's broker and Django's cache; without it, both live on disk so
# that the web process, the worker and beat still share them on one machine.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must be a redis:// or rediss:// URL, not {REDIS_URL!r}.")

# Nothing in the cache is precious (rate-limit counters, index versions, the worker heartbeat),
# so a cache call waits at most REDIS_CACHE_TIMEOUT_MS for Redis; then the cache answers as an
# empty one would and skips Redis for REDIS_CIRCUIT_SECONDS (mentorship/cache.py). A request
# never fails, and never waits long, because Redis is down or hung.
REDIS_CACHE_TIMEOUT_MS = env_int("REDIS_CACHE_TIMEOUT_MS", 250)
REDIS_CIRCUIT_SECONDS = env_int("REDIS_CIRCUIT_SECONDS", 30)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "mentorship.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CACHE_TIMEOUT_MS / 1000,
                "socket_timeout": REDIS_CACHE_TIMEOUT_MS / 1000,
                "CIRCUIT_BREAKER_SECONDS": REDIS_CIRCUIT_SECONDS,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery. JSON only; one task at a time per worker process, acknowledged after it ran,
# so a killed worker's task is delivered again (every task is idempotent). Broker
# timeouts are short so that a web request never hangs on a dead broker.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = (
    {
        "socket_connect_timeout": 1,
        "socket_timeout": 2,
        "max_retries": 0,
        "visibility_timeout": 3600,
    }
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
)
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "heartbeat": {"task": "mentorship.health.heartbeat", "schedule": 30.0},
    "sweep-outbox": {"task": "matching.sweep_outbox", "schedule": env_int("OUTBOX_SWEEP_SECONDS", 30)},
    "expire-requests": {"task": "matching.expire_requests", "schedule": 15 * 60.0},
    "remind-pending-requests": {"task": "matching.remind_pending_requests", "schedule": 6 * 3600.0},
    "schedule-checkins": {"task": "matching.schedule_checkins", "schedule": 3600.0},
    "follow-up-checkins": {"task": "matching.follow_up_checkins", "schedule": 3600.0},
    "resume-cohort-publishing": {"task": "matching.resume_cohort_publishing", "schedule": 60.0},
    "weekly-digest": {"task": "matching.weekly_digest", "schedule": crontab(hour=13, minute=0, day_of_week="mon")},
    "remind-meetings": {"task": "matching.remind_meetings", "schedule": 15 * 60.0},
    "send-message-digests": {"task": "matching.send_message_digests", "schedule": 5 * 60.0},
    "follow-up-inactivity": {"task": "matching.follow_up_inactivity", "schedule": 3600.0},
}

# The outbox: a claim is a lease the sending worker renews every third of this many seconds,
# however long the SMTP server takes; a dead worker's claim lapses and the next sweep sends
# the message again (with the same Message-ID): recovery within about a minute.
# The sweeper leaves notifications younger than the grace period to their own task.
NOTIFICATION_CLAIM_TIMEOUT = env_int("NOTIFICATION_CLAIM_TIMEOUT", 60)
NOTIFICATION_SWEEP_GRACE = env_int("NOTIFICATION_SWEEP_GRACE", 30)
# Fault injection for the worker-kill test only: seconds to wait before each send.
NOTIFICATION_TEST_SEND_DELAY = env_int("NOTIFICATION_TEST_SEND_DELAY", 0)
CHECKIN_LINK_MAX_AGE_DAYS = env_int("CHECKIN_LINK_MAX_AGE_DAYS", 14)
# Cohort publishing: pairs per transaction; a run whose task committed nothing for this long
# is resumed by the beat sweep; and, for the worker-kill test only, a pause after each batch.
COHORT_PUBLISH_BATCH = env_int("COHORT_PUBLISH_BATCH", 200)
COHORT_PUBLISH_STALL_SECONDS = env_int("COHORT_PUBLISH_STALL_SECONDS", 120)
COHORT_PUBLISH_TEST_PAUSE = env_int("COHORT_PUBLISH_TEST_PAUSE", 0)

# Email: SMTP when EMAIL_HOST is set, otherwise files in var/mail to read locally.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # RFC 5321 §4.5.3.2: a client waits up to 5 minutes for most replies and 10 for the one
    # after the message data; giving up sooner makes a slow server get the message twice.
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 600)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Medical Mentorship <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.tokens.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": "10/min"},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# API tokens (accounts/tokens.py): shown once, stored hashed, expiring, revocable.
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 24)),
    "TOKEN_LIMIT_PER_USER": 10,
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Medical Mentorship API",
    "DESCRIPTION": "Match students on the road to medicine with physician mentors.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "NotificationKindEnum": "matching.models.Notification.Kind",
        "KindEnum": "accounts.models.Kind",
        "DeclineReasonEnum": "matching.models.MentorshipRequest.DeclineReason",
        "EndReasonEnum": "matching.models.Mentorship.EndReason",
        "RoleEnum": "accounts.models.Membership.Role",
        "MeetingModeEnum": "accounts.models.MeetingMode",
        "MenteeRoleEnum": ["mentee"],
        "MentorRoleEnum": ["mentor"],
    },
}

# Security. Production mode (DEBUG=false) turns everything on; each can be relaxed
# from the environment, e.g. SECURE_SSL_REDIRECT=false behind a proxy that redirects.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("USE_X_FORWARDED_PROTO", not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts only from this site (the one inline script
# carries the request's nonce), no plugins, no framing, forms post only here. Inline style
# attributes stay allowed (charts and progress bars use them). On in production; CSP=true
# turns it on locally too.
CSP_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
CONTENT_SECURITY_POLICY = CSP_POLICY if env_bool("CSP", not DEBUG) else None
# No page needs a camera, a microphone, a location or payment.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
