"""Settings, all from the environment (see shared API.md: Configuration)."""
import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("HUIKE_DATA_DIR", "./var")).resolve()
DEBUG = env_bool("HUIKE_DEBUG", False)
# The development default is only safe because it binds to 127.0.0.1.
SECRET_KEY = os.environ.get("HUIKE_SECRET_KEY") or "dev-only-insecure-key-bind-127.0.0.1-only"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("HUIKE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "huey.contrib.djhuey",
    "axes",
    "csp",
    "huike.core",
    "huike.core.security",
    "huike.accounts",
    "huike.audit",
    "huike.customers",
    "huike.followups",
    "huike.transactions",
    "huike.service",
    "huike.configuration",
    "huike.classification",
    "huike.automation",
    "huike.notifications",
    "huike.reports",
    "huike.dataio",
    "huike.backups",
    "huike.imports",
    "huike.recycle",
]

MIDDLEWARE = [
    "huike.core.security.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "huike.core.security.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # before WhiteNoise: static files too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "huike.core.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "huike.core.security.middleware.ActiveUserMiddleware",
    "huike.core.security.write_audit.UnauditedWriteMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout answer
]

ROOT_URLCONF = "huike.config.urls"
WSGI_APPLICATION = "huike.config.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    }
]

DATA_DIR.mkdir(parents=True, exist_ok=True)
(DATA_DIR / "static").mkdir(exist_ok=True)  # whitenoise expects STATIC_ROOT to exist
_sqlite_path = DATA_DIR / "huike.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_sqlite_path),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the
                # busy timeout instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # mmap: reads come straight from the OS page cache (shared by every worker) instead of
                # being copied into each connection's own cache page by page.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                                "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-16000;",
            },
            # One connection per worker process, kept between requests: opening one (and its pragmas) was
            # an eighth of a list request's time under load. Health-checked so a broken one is replaced.
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out user name + address before any check
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# argon2 for new and changed passwords; PBKDF2 hashes from before still log in (and are upgraded then).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
HUIKE_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
HUIKE_IMPORT_MAX_BYTES = int(os.environ.get("HUIKE_IMPORT_MAX_BYTES", 50 * 1024 * 1024))  # uploads

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "huike.core.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "huike.core.exceptions.api_exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Huike CRM API",
    "DESCRIPTION": "汇客 CRM — customers, follow-ups, orders, contracts, complaints.",
    "VERSION": "1.0.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "huike.core.schema_hooks.document_page_not_found",
        "huike.core.schema_hooks.integer_ids_are_unsigned",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReminderStatusEnum": "huike.automation.models.ReminderStatus",
        "ComplaintStatusEnum": "huike.service.models.ComplaintStatus",
        "CustomerKindEnum": "huike.customers.models.Kind",  # another "kind" choice set appeared (imports)
    },
}

# Background work: huey, embedded SQLite storage unless REDIS_URL is set.
if os.environ.get("REDIS_URL"):
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "huike",
        "url": os.environ["REDIS_URL"],
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "huike",
        "filename": str(DATA_DIR / "queue.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

EMAIL_BACKEND = os.environ.get("HUIKE_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("HUIKE_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("HUIKE_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("HUIKE_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HUIKE_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HUIKE_SMTP_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("HUIKE_FROM_EMAIL", "huike@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True  # pages send the token from the template (hx-headers), never from the cookie
SESSION_COOKIE_AGE = 60 * 60 * 12
PRODUCTION = not DEBUG and bool(os.environ.get("HUIKE_SECRET_KEY"))
if PRODUCTION:
    # Production: a real key was given, so the site is served over HTTPS (R-12.5; `huike check --deploy`).
    SESSION_COOKIE_SECURE = env_bool("HUIKE_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("HUIKE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("HUIKE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HUIKE_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HUIKE_HSTS_PRELOAD", True)
    if env_bool("HUIKE_BEHIND_PROXY", False):
        # Only when a reverse proxy terminates TLS and sets this header itself.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts only from our own static files, no inline script or
# eval. Inline style attributes stay allowed: templates, Bootstrap and ECharts' tooltips set them, and
# a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login throttling (django-axes, R-12.5): 5 failures for one user name from one address lock that
# pair for 15 minutes, on the login page and the token endpoint alike; a success clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "huike.core.security.lockout.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # logins are in the audit trail already
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "token"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "huike.core.security.logging.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HUIKE_LOG_LEVEL", "WARNING")},
    # the worker's own logger goes through the same handlers and level, once: with no handler of its own,
    # `run_huey` would add one and every worker line would be written twice
    "loggers": {"huey": {"handlers": ["console"], "propagate": False}},
}
if os.environ.get("HUIKE_LOG_FILE"):
    LOGGING["handlers"]["file"] = {"class": "logging.handlers.WatchedFileHandler", "filename": os.environ["HUIKE_LOG_FILE"],
                                   "filters": ["request_id"], "formatter": "plain", "encoding": "utf-8"}
    LOGGING["root"]["handlers"].append("file")
    LOGGING["loggers"]["huey"]["handlers"].append("file")
