"""Settings for the whole project, read from the environment (see .env.example)."""

import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} should be true or false, got {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} should be a whole number, got {value!r}") from None


DEBUG = env_bool("DJANGO_DEBUG", default=False)
TESTING = env_bool("DJANGO_TESTING", default=False)

# A development key is only acceptable while debugging or testing; production must set one.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment "
            "(or DJANGO_DEBUG=true for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default="localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    # Versions of initiatives, assessments, frameworks, criteria and measures (history app).
    "simple_history",
    "core",
    "registry",
    "assessment",
    "recommendations",
    "planning",
    # What the open data publish (tables, Table Schemas, files); served by catalogue, written by api.
    "opendata",
    "history",
    "imports",
    "catalogue",
    "backoffice",
    "accounts",
    "api",
    # Queue of background tasks in the database, and its worker (`manage.py db_worker`).
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Versions saved during a request are recorded as the logged-in user's (history app).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Must stay last: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
    },
]

# SQLite file by default for a zero-set-up start; DATABASE_URL selects PostgreSQL.
# Connections are kept for a minute rather than opened for every request, and checked before
# reuse, so that a database restart costs no failed request.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", default=True),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Write-ahead log: pages keep being read while the task worker (or another web worker)
    # writes, e.g. during a whole re-scoring, which is one transaction. Writers queue (BEGIN
    # IMMEDIATE) for up to `timeout` seconds instead of failing on a lock upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 30),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Failed log-ins, counted over one hour: 5 lock an (address, username) pair, and 50 from one
# address lock it whatever the usernames (one password tried on many accounts). Axes itself has
# a single limit; core.client.AxesHandler gives the address-only count its own.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 50)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"], "ip_address"]
AXES_HANDLER = "core.client.AxesHandler"
AXES_CLIENT_IP_CALLABLE = "core.client.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_USERNAME_CALLABLE = "accounts.views.axes_username"
# Sign-up form: at most N submissions per IP address per period (seconds), cache-based.
SIGNUP_RATE_LIMIT = (env_int("SIGNUP_RATE_LIMIT", 10), 3600)
# `manage.py purge_inactive_accounts` deletes accounts whose e-mail address was not confirmed
# within this many days of signing up (the privacy page states it).
ACCOUNT_ACTIVATION_PURGE_DAYS = env_int("ACCOUNT_ACTIVATION_PURGE_DAYS", 30)
if ACCOUNT_ACTIVATION_PURGE_DAYS < 1:
    raise ImproperlyConfigured(
        f"ACCOUNT_ACTIVATION_PURGE_DAYS should be 1 or more, got {ACCOUNT_ACTIVATION_PURGE_DAYS}"
    )
# It also deletes the accounts not logged in to for this many years (since signing up, for
# those never logged in to), as their own deletion would; staff excepted (the privacy page says so).
ACCOUNT_UNUSED_DELETION_YEARS = env_int("ACCOUNT_UNUSED_DELETION_YEARS", 3)
if ACCOUNT_UNUSED_DELETION_YEARS < 1:
    raise ImproperlyConfigured(
        f"ACCOUNT_UNUSED_DELETION_YEARS should be 1 or more, got {ACCOUNT_UNUSED_DELETION_YEARS}"
    )

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
FORMAT_MODULE_PATH = ["config.formats"]  # English dates day first (config/formats/en)
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("vendor/leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "config.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "media/"
# Open data (/donnees-ouvertes/): where `manage.py export_open_data` writes the files that the
# page serves, and the site's address that the files' links start with.
OPEN_DATA_DIR = Path(os.environ.get("DJANGO_OPEN_DATA_DIR") or MEDIA_ROOT / "open-data")
SITE_URL = os.environ.get("SITE_URL") or ("http://127.0.0.1:8000" if DEBUG or TESTING else "")

# Django 6.1 mailers: the console in debug, SMTP otherwise (the test runner swaps in locmem).
_email_backend = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "core.mail_console.EmailBackend"  # links printed whole, not quoted-printable
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", default=False),
        }
        if _email_backend.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "circuits-courts@localhost")

# Details the legal notice and the privacy page must give; `manage.py check --deploy` warns
# while one is missing (the pages then say it is still to be completed).
LEGAL_DETAILS = {
    "hosting_provider": os.environ.get("SITE_HOSTING_PROVIDER", ""),
    "contact_email": os.environ.get("SITE_CONTACT_EMAIL", ""),
    "dpo_contact": os.environ.get("SITE_DPO_CONTACT", ""),
}

# The API throttles and the sign-up limit count in the cache, so every process must share it:
# Redis when REDIS_URL is set (atomic counters, shared by several machines), otherwise files that
# all the workers of this machine share. Memory of each process only while debugging or testing;
# `check --deploy` warns if production ends up there.
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            # Django's, reusing its Redis client (core/cache.py).
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": redis_url,
            # Two deployments sharing one Redis must not share keys (data version, answers).
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", ""),
        }
    }
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_CACHE_DIR") or BASE_DIR / "cache",
        }
    }

# Whole answers of the public API and the map data, and the catalogue's result lists, are kept in
# that cache under a data version that every write changes (core.response_cache): never stale,
# so they may be kept long. 0 turns it off.
RESPONSE_CACHE_SECONDS = env_int("RESPONSE_CACHE_SECONDS", 24 * 3600)
# Only bench/load.py turns this on: the baseline views under /_bench/ and the header that skips
# the response cache. `check --deploy` refuses it.
BENCH_VIEWS = env_bool("DJANGO_BENCH_VIEWS", default=False)

# Background tasks (core.background): publishing a framework, recomputing coverage, imports and
# whole-region exports, on django.tasks. Without REDIS_URL, the database backend queues them in
# the app's own database and `manage.py db_worker` runs them (`make run` starts one); with
# REDIS_URL, RQ queues them in Redis (core.tasks_rq) and `manage.py rq_worker` runs them.
# DJANGO_TASKS_BACKEND=db (or rq) chooses. deploy/circuits-worker.service runs either worker.
# Tests run each task inside enqueue() (immediate backend).
tasks_backend = os.environ.get("DJANGO_TASKS_BACKEND") or (
    "rq" if os.environ.get("REDIS_URL") else "db"
)
if TESTING:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
elif tasks_backend == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif tasks_backend == "rq" and os.environ.get("REDIS_URL"):
    tasks_prefix = os.environ.get("DJANGO_CACHE_KEY_PREFIX", "")
    TASKS = {
        "default": {
            "BACKEND": "core.tasks_rq.RQBackend",
            "OPTIONS": {
                "URL": os.environ["REDIS_URL"],
                # Two deployments sharing one Redis keep their own queues, as their own keys.
                "QUEUE_PREFIX": f"{tasks_prefix}:" if tasks_prefix else "",
            },
        }
    }
else:
    raise ImproperlyConfigured(
        f"DJANGO_TASKS_BACKEND should be db, or rq with REDIS_URL set; got {tasks_backend!r}"
    )
# Where background exports write their files (served to staff from the admin).
EXPORTS_DIR = Path(os.environ.get("DJANGO_EXPORTS_DIR") or BASE_DIR / "exports")
# A plan's simulation over more targeted initiatives than this (about a second of work) runs as a
# background task whose progress the plan page shows (planning.tasks); smaller ones run inline.
PLAN_SIMULATION_INLINE_TARGETS = env_int("PLAN_SIMULATION_INLINE_TARGETS", 2000)

# Reverse proxies of our own in front of the app (nginx, a load balancer). Their X-Forwarded-For
# and X-Forwarded-Proto headers are believed only when declared; otherwise any client could
# choose its address and escape every per-address limit (core.client.client_ip).
NUM_PROXIES = env_int("DJANGO_NUM_PROXIES", 0)
if NUM_PROXIES < 0:
    raise ImproperlyConfigured(f"DJANGO_NUM_PROXIES should be 0 or more, got {NUM_PROXIES}")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    # drf-spectacular's, documenting the 400/401/403/404/415/429 answers every view can give.
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    # JSON bodies only (nested answers have no faithful form encoding), with a nesting limit.
    "DEFAULT_PARSER_CLASSES": ["core.api.JSONParser"],
    # Values PostgreSQL refuses after validation are a 400, not a 500.
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute")},
    # The same proxies as core.client.client_ip: DRF's default (None) believes the whole header.
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Circuits courts Occitanie API",
    "DESCRIPTION": "Eligible local food-distribution initiatives of the Région Occitanie.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name per choice set used by several fields (status, from_status, to_status…).
    "ENUM_NAME_OVERRIDES": {
        "InitiativeStatusEnum": "registry.models.Status",
        "VerdictEnum": "assessment.models.Verdict",
        "PlanStateEnum": "planning.models.PlanState",
        "PlanMeasureStateEnum": "planning.models.PlanMeasureState",
    },
}

# Strict CSP: no inline scripts or styles anywhere; every asset is served by the app.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]).replace("{s}.", "*.")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", _tile_origin],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        # An injected <base> tag could otherwise send every relative URL elsewhere.
        "base-uri": ["'self'"],
    }
}

# Radius (km) under which a supplier counts as "local" (brief §2; editable).
LOCAL_RADIUS_KM = env_int("LOCAL_RADIUS_KM", 80)

# HTTPS outside debugging and testing: redirect, HSTS and Secure cookies. DJANGO_HTTPS=false is
# the opt-out for an intranet served over plain HTTP (`check --deploy` then lists what it costs);
# the other variables fine-tune one measure each.
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The preload directive only consents to a listing in browsers' built-in HTTPS list; nothing
# happens until the registrable domain (never a subdomain such as registre.example.fr) is
# submitted at hstspreload.org. Turn it off when this app answers on the bare domain of an
# organisation whose other subdomains are not all on HTTPS (`check --deploy` then says W021).
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
if NUM_PROXIES:
    # The proxy terminates TLS and must set (not pass on) X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Fixtures loaded by `manage.py setup_demo`, in order. Reference data is reloaded every time
# (loading is idempotent: fixed primary keys); demo data only into an empty registry.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
REFERENCE_FIXTURES = ["departements", "communes", "reference", "framework_v1", "measures"]
DEMO_FIXTURES = ["demo_initiatives"]

# Outside production, whitenoise serves straight from the finders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
