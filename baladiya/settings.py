"""Settings for Baladiya, read from the environment.

Development (the default) runs on SQLite with an in-process cache and no broker, so `make run`
works on a bare machine. Production (`BALADIYA_ENV=production`) requires a real secret key,
PostgreSQL and Redis, and passes `manage.py check --deploy` without a warning.
"""

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

BALADIYA_ENV = env.str("BALADIYA_ENV", default="development")
if BALADIYA_ENV not in {"production", "development"}:
    raise ImproperlyConfigured("BALADIYA_ENV must be 'production' or 'development'.")
PRODUCTION = BALADIYA_ENV == "production"

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _DEV_SECRET_KEY)
if PRODUCTION and (
    not SECRET_KEY
    or SECRET_KEY == _DEV_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure")
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
):
    raise ImproperlyConfigured(
        "Production needs a real SECRET_KEY (at least 50 random characters) in the environment."
    )

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "baladiya.core",
    "baladiya.territory",
    "baladiya.organisation",
    "baladiya.catalogue",
    "baladiya.cases",
    "baladiya.notifications",
    "baladiya.plans",
    "baladiya.concerns",
    "baladiya.transparency",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "baladiya.core.middleware.RememberLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "baladiya.organisation.sessions.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "baladiya.core.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "baladiya.urls"
WSGI_APPLICATION = "baladiya.wsgi.application"

_template_loaders: list = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
if not DEBUG:
    _template_loaders = [("django.template.loaders.cached.Loader", _template_loaders)]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "OPTIONS": {
            "loaders": _template_loaders,
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "baladiya.core.context_processors.shell",
            ],
        },
    },
]

# Databases: SQLite by default, DATABASE_URL (PostgreSQL) in production and CI.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'baladiya.sqlite3'}")
}
DATABASES["default"].setdefault("CONN_MAX_AGE", 60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL and a busy timeout let the dev server and a worker share the file without "locked".
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif PRODUCTION is False and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if PRODUCTION and "DATABASE_URL" not in env:
    raise ImproperlyConfigured("Production needs DATABASE_URL (PostgreSQL).")
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if USING_POSTGRES:
    # Parameters bound by the server, and statements a connection has run a few times kept
    # prepared: the hot reads (sessions, grants, the inbox, supervision) skip parsing, and
    # planning when PostgreSQL keeps a generic plan for them. Behind PgBouncer in transaction
    # mode this needs its max_prepared_statements (1.21+); DATABASE_PREPARE_THRESHOLD=none turns
    # it off.
    _threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="5").strip().lower()
    if _threshold != "none" and not _threshold.isdigit():
        raise ImproperlyConfigured("DATABASE_PREPARE_THRESHOLD must be a whole number or 'none'.")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=None if _threshold == "none" else int(_threshold),
    )
    # A prepared statement is still planned again at each run while PostgreSQL judges its
    # generic plan costlier ("auto"). force_generic_plan plans every statement once per
    # connection but made the inbox's full-text search 3.5x slower: opt-in only
    # (docs/deployment.md). The hot reads write their values into their SQL instead (the
    # inbox's listing, supervision), so that each has a single plan.
    _plans = env.str("DATABASE_PLAN_CACHE_MODE", default="auto").strip().lower()
    if _plans not in ("auto", "force_generic_plan", "force_custom_plan"):
        raise ImproperlyConfigured(
            "DATABASE_PLAN_CACHE_MODE must be auto, force_generic_plan or force_custom_plan."
        )
    if _plans != "auto":
        DATABASES["default"]["OPTIONS"]["options"] = f"-c plan_cache_mode={_plans}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis outage degrades the cache (and rate limits) to misses, never to errors:
            # citizens keep submitting, and the outbox keeps their messages meanwhile.
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
            "KEY_PREFIX": "baladiya",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "baladiya",
        }
    }
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("Production needs REDIS_URL (cache, rate limits, task broker).")

AUTH_USER_MODEL = "organisation.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:after-login"
LOGOUT_REDIRECT_URL = "core:home"

# Languages: Arabic (right-to-left), French, English everywhere; Kabyle (Tamazight, Latin script)
# on the citizen pages. The URL prefix chooses; a cookie remembers the choice.
LANGUAGE_CODE = "ar"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("fr", _("French")),
    ("en", _("English")),
    ("kab", _("Tamazight (Kabyle)")),
]
STAFF_LANGUAGES = ("ar", "fr", "en")
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["baladiya.formats"]
LANGUAGE_COOKIE_NAME = "baladiya_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Africa/Algiers"

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles") if PRODUCTION else None
# In development and tests, WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded and issued files: the filesystem by default, an S3-compatible store when configured
# (e.g. a MinIO or Ceph gateway hosted in Algeria). Files are never public: they are served
# only through views that check permissions, so objects stay private.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY", default=""),
            "secret_key": env.str("S3_SECRET_KEY", default=""),
            "region_name": env.str("S3_REGION", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
WHITENOISE_MAX_AGE = 365 * 24 * 3600 if PRODUCTION else 0

# Django's database sessions and model backend: a signed-in page reads its session, its user and
# their grants in one statement (organisation.sessions, organisation.backends).
SESSION_ENGINE = "baladiya.organisation.sessions"
AUTHENTICATION_BACKENDS = ["baladiya.organisation.backends.ScopedModelBackend"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# National registers (civil status, NIN). Empty: not configured, cases are processed by hand.
BALADIYA_REGISTRY_URL = env.str("BALADIYA_REGISTRY_URL", default="")
BALADIYA_REGISTRY_TOKEN = env.str("BALADIYA_REGISTRY_TOKEN", default="")
BALADIYA_REGISTRY_TIMEOUT = env.float("BALADIYA_REGISTRY_TIMEOUT", default=5.0)
# The public address printed on receipts and documents (their QR codes point there).
BALADIYA_PUBLIC_URL = env.str("BALADIYA_PUBLIC_URL", default="http://127.0.0.1:8000")

# Where the platform tells citizens who processes their data (Loi 18-07, art. 32).
BALADIYA_DATA_CONTROLLER = env.str(
    "BALADIYA_DATA_CONTROLLER",
    default="Ministère de l'Intérieur, des Collectivités locales et de l'Aménagement du territoire",
)
BALADIYA_DPO_EMAIL = env.str("BALADIYA_DPO_EMAIL", default="dpo@baladiya.example")

# --- Notifications ---------------------------------------------------------------------------
# Background work: Celery on Redis in production (REDIS_URL is the broker unless
# CELERY_BROKER_URL says otherwise). Without a broker, the outbox is delivered in-process after
# each commit, and `manage.py deliver_outbox --loop` retries (make run starts it).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Publishing must fail fast when Redis is down (the outbox keeps the message), not hang a request.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 0,  # a publisher gives up at the first refusal (kombu: 0 = no retry)
}
CELERY_TIMEZONE = "Africa/Algiers"
CELERY_BEAT_SCHEDULE = {
    "flush-outbox": {"task": "notifications.flush_outbox", "schedule": 60.0},
    "sweep-reminders": {"task": "notifications.sweep", "schedule": 900.0},
    # Supervision's overdue counts stay exact without it; it keeps their reading small.
    "advance-standing": {"task": "transparency.advance_standing", "schedule": 3600.0},
}
NOTIFICATIONS_DELIVERY = env.str(
    "NOTIFICATIONS_DELIVERY", default="celery" if CELERY_BROKER_URL else "inline"
)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=30)
REMINDER_WORKING_DAYS = env.int("REMINDER_WORKING_DAYS", default=2)
REMINDER_BATCH = 5000

# Email: SMTP in production (EMAIL_HOST…), the console in development.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Baladiya <no-reply@baladiya.example>")

# SMS: "console" (development), "http" (a generic HTTP gateway, configured below), or
# "locmem" (tests). SMS_HTTP is JSON; keys in baladiya/notifications/sms.py DEFAULT_HTTP_CONFIG.
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_HTTP = env.json("SMS_HTTP", default={})
SMS_MAX_SEGMENTS = env.int("SMS_MAX_SEGMENTS", default=3)
# The secret the gateway puts in its callbacks (inbound SMS, delivery receipts); empty: off.
SMS_WEBHOOK_TOKEN = env.str("SMS_WEBHOOK_TOKEN", default="")
SMS_INBOUND_FIELDS = env.json(
    "SMS_INBOUND_FIELDS", default={"from": "from", "text": "text", "id": "id"}
)
SMS_RECEIPT_FIELDS = env.json("SMS_RECEIPT_FIELDS", default={"id": "id", "status": "status"})
SMS_DELIVERED_STATUSES = env.list(
    "SMS_DELIVERED_STATUSES", default=["delivered", "DELIVRD", "DELIVERED", "1"]
)
SMS_QUERIES_PER_HOUR = env.int("SMS_QUERIES_PER_HOUR", default=5)

# Phone sign-in: six-digit codes, stored hashed, short-lived, few attempts, rate limited.
PHONE_CODE_MINUTES = env.int("PHONE_CODE_MINUTES", default=10)
PHONE_CODE_MAX_ATTEMPTS = env.int("PHONE_CODE_MAX_ATTEMPTS", default=5)
PHONE_CODES_PER_15_MINUTES = env.int("PHONE_CODES_PER_15_MINUTES", default=3)
PHONE_CODES_PER_IP_HOUR = env.int("PHONE_CODES_PER_IP_HOUR", default=10)
# Action plans (baladiya/plans): the derived "at risk" rule and the follow-up windows.
PLANS_AT_RISK_GAP = env.int("PLANS_AT_RISK_GAP", default=20)  # points behind expected progress
PLANS_STALE_DAYS = env.int("PLANS_STALE_DAYS", default=30)  # no update for more days: at risk
PLANS_DUE_SOON_DAYS = env.int("PLANS_DUE_SOON_DAYS", default=30)  # supervisors' "due soon"
PLANS_REMINDER_DAYS = env.int("PLANS_REMINDER_DAYS", default=14)  # owners' reminders window
# Supervision exports (transparency.exports): larger tables are prepared in the background.
EXPORTS_INLINE_MAX_ROWS = env.int("EXPORTS_INLINE_MAX_ROWS", default=200)
EXPORTS_KEEP_DAYS = env.int("EXPORTS_KEEP_DAYS", default=7)
EXPORTS_RUNNING_TIMEOUT_MINUTES = env.int("EXPORTS_RUNNING_TIMEOUT_MINUTES", default=30)
# Concerns: the map's tile server (any XYZ template; the forms work without the map) and where
# the category suggestion model is stored (trained by `manage.py train_concern_model`).
BALADIYA_MAP_TILE_URL = env(
    "BALADIYA_MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
BALADIYA_CONCERN_MODEL_PATH = env.path(
    "BALADIYA_CONCERN_MODEL_PATH", default=BASE_DIR / "var" / "concern_model.joblib"
)
