"""One settings module for every environment, driven by environment variables.

Embedded default (nothing set): SQLite file under var/, Celery tasks run in-process.
Production-like: DATABASE_URL=postgres://..., REDIS_URL=redis://..., SECRET_KEY, DEBUG=false.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from nexus_portal.env import ConfigError, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("NEXUS_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else a random key kept in var/ (never in the repo)."""
    key = env_str("SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters")
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "nexus_portal",
    "reference",
    "actors",
    "programmes",
    "coordination",
    "analyses",
    "funding",
    "nexus_portal.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "nexus_portal.audit.middleware.AuditContextMiddleware",  # who/which interface for the audit trail
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a login refused by django-axes (too many failures) into the "locked" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nexus_portal.urls"
WSGI_APPLICATION = "nexus_portal.wsgi.application"
AUTH_USER_MODEL = "actors.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'nexus.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while an in-process task writes.
    DATABASES["default"]["OPTIONS"] = {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that is down or unreachable answers within seconds (a 503 page), not after minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5, minimum=1)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    # When Redis is down the cache misses instead of failing the page (nexus_portal/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "nexus_portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# After each flag run, compute the dashboard figures of the re-checked countries (coordination/selectors/
# dashboard_summary.py). Only useful when the cache is shared with the web processes (Redis).
DASHBOARD_WARM_AFTER_RUN = env_bool("DASHBOARD_WARM_AFTER_RUN", bool(REDIS_URL))
# With Redis, sessions are read from the cache and written through to the database (which stays the record):
# one query less on every page. Without Redis the cache is per process, so they stay in the database only.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Celery: with no broker configured, tasks run in-process so the embedded default needs no Redis.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 1800, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
# Fail fast when Redis is unreachable: a user's save must not hang on background work.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BEAT_SCHEDULE = {
    "nightly-flag-run": {
        "task": "coordination.tasks.nightly_full_run",
        "schedule": crontab(hour=env_int("FLAG_RUN_HOUR_UTC", 2, minimum=0), minute=0),
    },
    "resume-stalled-imports": {  # import jobs never enqueued (broker down) or whose worker died
        "task": "programmes.tasks.resume_stalled_imports",
        "schedule": crontab(minute="*/5"),
    },
}

# Rule engine. Thresholds default to the catalogue; override per rule:
#   FLAG_RULE_SETTINGS = {"stale-record": {"months_without_update": 9}}
FLAG_RULE_SETTINGS: dict = {}
FLAG_RUN_STALE_SECONDS = env_int("FLAG_RUN_STALE_SECONDS", 900, minimum=60)
FLAG_RECHECK_DELAY_SECONDS = env_int("FLAG_RECHECK_DELAY_SECONDS", 5, minimum=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        # STATIC_MANIFEST=false: plain names, no collectstatic needed (throwaway servers such as benchmarks/faults.py).
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded files are private: never under STATIC_ROOT, served only through permission-checked views.
MEDIA_ROOT = VAR_DIR / "uploads"
MEDIA_URL = "/private-files/"  # no route serves this prefix: files go out through permission-checked views
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
ANALYSIS_MAX_UPLOAD_MB = env_int("ANALYSIS_MAX_UPLOAD_MB", 20, minimum=1)
IATI_MAX_UPLOAD_MB = env_int("IATI_MAX_UPLOAD_MB", 60, minimum=1)  # IATI activity files (upload, API, command)
# HXL 3W spreadsheets (CSV, XLSX): the largest file and the most data rows one import takes.
HXL_IMPORT_MAX_UPLOAD_MB = env_int("HXL_IMPORT_MAX_UPLOAD_MB", 20, minimum=1)
HXL_IMPORT_MAX_ROWS = env_int("HXL_IMPORT_MAX_ROWS", 20000, minimum=10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "nexus_portal.api.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "nexus_portal.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "nexus_portal.api.errors.error_handler",
    "DEFAULT_THROTTLE_RATES": {"user": "2000/hour", "anon": "100/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nexus portal API",
    "DESCRIPTION": "Programmes, shared goals, analyses, funding and coordination flags of the HDP nexus portal.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nexus_portal.api.schema.add_error_responses",
    ],
    # Several models have a "status" or "role"; give each code list its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "GoalStatusEnum": "coordination.choices.GoalStatus",
        "CommitmentStatusEnum": "coordination.choices.CommitmentStatus",
        "CommitmentRoleEnum": "coordination.choices.CommitmentRole",
        "FlagStatusEnum": "coordination.choices.FlagStatus",
        "FlagRunStatusEnum": "coordination.models.FlagRun.Status",
        "ActivityStatusEnum": "programmes.choices.ActivityStatus",
        "OrganisationRoleEnum": "programmes.choices.OrganisationRole",
        "LinkStatusEnum": "programmes.choices.LinkStatus",
        "MembershipRoleEnum": "actors.choices.MembershipRole",
        "AnalysisStatusEnum": "analyses.choices.AnalysisStatus",
        "RequestStatusEnum": "funding.choices.RequestStatus",
        "ActorKindEnum": "actors.choices.ActorKind",
        "ImportKindEnum": "programmes.models_imports.ImportKind",
        "ImportStatusEnum": "programmes.models_imports.ImportStatus",
        "ImportChannelEnum": "programmes.models_imports.ImportChannel",
        "ProblemLevelEnum": "programmes.models_imports.ProblemLevel",
        "AnalysisKindEnum": "analyses.choices.AnalysisKind",
        "TrancheKindEnum": "funding.choices.TrancheKind",
    },
}

# --- Security (docs/security.md) ------------------------------------------------------------------
# HTTPS: the portal is reached over HTTPS (directly or through a TLS-terminating proxy). On by default
# whenever DEBUG is off, so a production start is secure unless told otherwise; HTTPS=false for plain-HTTP
# setups such as a local docker compose, a benchmark or the fault script.
HTTPS = env_bool("HTTPS", not DEBUG)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and X-Forwarded-For): trust those headers.
# Never turn this on without such a proxy: a client could then claim to be on HTTPS or any address.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12, minimum=300)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
# Redirect plain HTTP to HTTPS here, unless the proxy in front already does (then SECURE_SSL_REDIRECT=false).
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SILENCED_SYSTEM_CHECKS = []
if HTTPS and not SECURE_SSL_REDIRECT:
    # Told explicitly that the TLS proxy redirects HTTP to HTTPS itself.
    SILENCED_SYSTEM_CHECKS.append("security.W008")

# Content Security Policy (Django's own middleware): no inline script or style anywhere, no eval, no
# framing, nothing from other origins (every asset is vendored). /api/docs/ (Swagger UI) has its own
# stricter-than-default-where-possible policy: nexus_portal/api/docs.py.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one username from one
# address, that pair is locked out for the cool-off; every further failure during it restarts the clock.
# API tokens do not sign in, so they are not affected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "nexus_portal.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "nexus_portal.security.client_ip"
AXES_VERBOSE = False
# Proxies in front of the portal that append to X-Forwarded-For (only read when BEHIND_TLS_PROXY).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1, minimum=1)

# Two-factor sign-in (TOTP, django-otp): optional for everyone; REQUIRE_REVIEWER_2FA makes reviewers
# enrol at their next sign-in. OTP_TOTP_ISSUER names the portal in authenticator apps.
REQUIRE_REVIEWER_2FA = env_bool("REQUIRE_REVIEWER_2FA", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Nexus portal")
TWO_FACTOR_PENDING_SECONDS = 300

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; lockouts and failures are WARNING and still shown.
    "loggers": {"axes": {"level": env_str("AXES_LOG_LEVEL", "WARNING")}},
}

# benchmarks/load.py: route the constant /bench/ping/ view (the load benchmark's baseline). Off everywhere else.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)

# Reference data shipped with the repository (copied from the official sources, see reference/data/SOURCES.md).
REFERENCE_DATA_DIR = BASE_DIR / "reference" / "data"
