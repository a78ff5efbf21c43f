"""Settings of the registry, driven by environment variables (see docs/deploy.md)."""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Read a `sqlite:///path` or `postgres://user:pass@host:port/name` URL into Django's form."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path[1:] if parsed.path.startswith("//") else parsed.path.lstrip("/"))
        if parsed.path.startswith("//"):
            path = "/" + path.lstrip("/")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path or str(BASE_DIR / "db.sqlite3")}
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"DATABASE_URL: unsupported scheme {parsed.scheme!r}")


def load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines of a local `.env` (written by `make run`); the real environment wins."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip())


load_dotenv(BASE_DIR / ".env")

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production-0123456789"
# Personal ID numbers are encrypted at rest (django-fernet-encrypted-fields) with keys of their own, not
# SECRET_KEY, and searched through a keyed HMAC (docs/decisions/0241-personal-data-keys.md).
# PERSONAL_DATA_KEYS: comma-separated secrets, the first encrypts and indexes, the others only decrypt
# (rotation: put the new one first, run `manage.py rekey_personal_data`, then drop the old one).
PERSONAL_DATA_KEYS = env_list("PERSONAL_DATA_KEYS")
if not PERSONAL_DATA_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("PERSONAL_DATA_KEYS must be set when DEBUG is off.")
    # DEVELOPMENT ONLY (make run, tests): a fixed, public key. Never used with DEBUG off.
    PERSONAL_DATA_KEYS = ["dev-only-personal-data-key-NOT-SECRET-do-not-use-in-production"]
# The salt of the key derivation (the library's SALT_KEY); public, fixed per installation.
SALT_KEY = [os.environ.get("PERSONAL_DATA_SALT", "ningbo-registry-personal-data")]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "core.apps.RegistryAdminConfig",  # django.contrib.admin, sections in the order of a clerk's day
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "core.apps.LoginLocksConfig",  # django-axes
    "core",
    "registry",
    "ratings",
    "platforms",
    "procurement",
    "supervision",
    "evaluations",
    "reports",
    "jobs",
    "public",
    "integration",
]

# The admin's sections in the order of a clerk's day (core.admin_site): (app, own title or None for the
# app's, models first in it). Filings get a section of their own; apps not named here come last.
# The first year whose annual work reports the daily supervision job checks (DESIGN §7): older years
# belong to the inspections and the paper archive.
SUPERVISION_FIRST_REPORT_YEAR = int(os.environ.get("SUPERVISION_FIRST_REPORT_YEAR", "2023"))

ADMIN_SECTIONS = [
    (
        "registry",
        None,
        ["Organization", "AnnualReport", "CreditListEntry", "PartyOrganization", "ComprehensivePartyCommittee"],
    ),
    ("registry", _("community organization filings"), ["CommunityOrganization"]),
    ("ratings", None, ["Evaluation", "Honour"]),
    ("evaluations", None, ["EvaluationRound", "EvaluationApplication", "Objection"]),
    ("supervision", None, ["SupervisionProposal", "OverdueReporter", "ReportDeadline", "CalendarDay", "CalendarYear"]),
    ("platforms", None, []),
    ("procurement", None, ["PurchasedServiceProject"]),
    ("reports", None, ["Dashboard"]),
    ("core", None, ["ChangeRecord", "ExportLog"]),
    ("jobs", None, ["ExportJob", "PeriodicRun"]),
    ("integration", None, ["WebhookSubscription", "WebhookDelivery"]),
    ("auth", None, ["User", "Group"]),
    ("axes", None, []),
]

MIDDLEWARE = [
    "core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreMiddleware",
    "core.middleware.RequestIDMiddleware",
    "core.middleware.ApiBodySizeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ChangeContextMiddleware",
    "core.replica.ReplicaReadMiddleware",
    # Last, as django-axes asks: answers a locked-out login with the lock page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Set by config/wsgi.py for the web server (30 s unless the environment says otherwise), so a
    # runaway query of a request is cancelled; management commands (migrate, seed_demo) have none.
    options = DATABASES["default"]["OPTIONS"]
    statement_timeout = os.environ.get("DB_STATEMENT_TIMEOUT_MS")
    if statement_timeout:
        options["options"] = f"{options.get('options', '')} -c statement_timeout={int(statement_timeout)}".strip()
    # Likewise the planner settings of short requests, "name=value" pairs separated by commas
    # (docs/decisions/0076-planner-settings-for-web-requests.md).
    for setting in filter(None, os.environ.get("DB_PLANNER_SETTINGS", "").replace(" ", "").split(",")):
        name, _equals, value = setting.partition("=")
        if not (name.replace("_", "").isalpha() and value.replace(".", "").replace("_", "").isalnum()):
            raise ImproperlyConfigured(f"DB_PLANNER_SETTINGS: {setting!r} is not name=value")
        options["options"] = f"{options.get('options', '')} -c {name}={value}".strip()
# A streaming read replica (DESIGN §13; core/replica.py, docs/decisions/0360-read-replica.md): exports,
# statistics, public pages and open data read from it; writes, the feed and a client's reads within
# REPLICA_STICKY_SECONDS of its last write stay on the primary. In tests the replica is the primary's
# mirror (its test database is the primary's, reached over streaming replication), and only tests
# marked `replica` route reads to it.
if os.environ.get("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = database_from_url(os.environ["REPLICA_DATABASE_URL"])
    for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS"):
        if key in DATABASES["default"]:
            DATABASES["replica"][key] = DATABASES["default"][key]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReadReplicaRouter"]
REPLICA_ROUTING = env_bool("REPLICA_ROUTING", True)
REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", "5"))
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "30"))
REPLICA_READ_PATHS = [
    r"^/api/v1/stats/",
    r"^/api/v1/procurement-totals/",
    r"^/admin/reports/",
    r"^/admin/[a-z_]+/[a-z_]+/export/",
    r"^/public/",
    r"^/api/public/",
    r"^/open-data/",
]

# /metrics (core/metrics.py): answered to these addresses, or to `Authorization: Bearer METRICS_TOKEN`.
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "registry"}}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }

# Request body cap. A 1,000-row bulk batch with every text field full (names, addresses at their
# maximum length, a 5,000-character business scope) is 17.4 MB of UTF-8 JSON, 34.4 MB when the client
# escapes non-ASCII as \uXXXX (Python's json.dumps default): 40 MiB admits it and still refuses abuse.
# The API answers a larger body with a 413 in JSON (core.middleware.ApiBodySizeMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_REQUEST_BYTES", str(40 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.auth.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.RolePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.RoleRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.RegistryPagination",
    "DEFAULT_FILTER_BACKENDS": ["core.filters.StrictFilterBackend"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.RegistryJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.schema.RegistryAutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.registry_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}

# Requests per hour for each role, per token (or per signed-in user).
REGISTRY_THROTTLE_RATES = {
    "clerk": os.environ.get("THROTTLE_CLERK", "20000/hour"),
    "district": os.environ.get("THROTTLE_DISTRICT", "10000/hour"),
    "auditor": os.environ.get("THROTTLE_AUDITOR", "10000/hour"),
}
REGISTRY_TOKEN_LIFETIME_DAYS = int(os.environ.get("TOKEN_LIFETIME_DAYS", "365"))
# last_used is written at most this often per token, so reads cost no write.
REGISTRY_TOKEN_LAST_USED_RESOLUTION_SECONDS = 300
REGISTRY_MAX_PAGE_SIZE = 1000
REGISTRY_BULK_MAX_ROWS = 1000
# Rows of one spreadsheet imported in the admin (core.imports), validated and written in one transaction.
REGISTRY_IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "10000"))
# bench/views.py's minimal list at /bench/ (make bench only; off unless BENCH_VIEWS=1).
# Where the public pages of §11 are served: a certificate's QR code opens
# PUBLIC_BASE_URL + "/public/certificates/<rating id>/" (evaluations/views.py).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
REGISTRY_BENCH_VIEWS = env_bool("BENCH_VIEWS", default=False)

# The change feed and webhooks (integration app, DESIGN §10). Resources by API prefix; a prefix no
# router has is skipped (annual reports: `annual-reports`, formerly `inspections`).
INTEGRATION_FEED_RESOURCES = [
    "organizations",
    "community-organizations",
    "evaluations",
    "annual-reports",
    "inspections",
    "credit-list-entries",
    "platforms",
]
# Networks a webhook may reach although they are private, loopback or link-local (CIDRs, comma-separated);
# with DEBUG on, loopback is allowed too.
INTEGRATION_WEBHOOK_ALLOWED_NETWORKS = env_list("WEBHOOK_ALLOWED_NETWORKS", "")
INTEGRATION_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
# Attempts of one delivery, the first retry's wait and its growth: 30 s, 2 min, 8 min, 32 min, 2 h 8 min
# (6 attempts over about 2 h 50 min), then the webhook is disabled.
INTEGRATION_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "6"))
INTEGRATION_WEBHOOK_BACKOFF_SECONDS = float(os.environ.get("WEBHOOK_BACKOFF_SECONDS", "30"))
INTEGRATION_WEBHOOK_BACKOFF_FACTOR = float(os.environ.get("WEBHOOK_BACKOFF_FACTOR", "4"))

SPECTACULAR_SETTINGS = {
    "TITLE": "宁波市社会组织登记管理系统 API",
    "DESCRIPTION": "Registry of social organizations of Ningbo (宁波市民政局). See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The public verification API has a schema of its own (/api/public/v1/schema/).
    "PREPROCESSING_HOOKS": ["core.schema.leave_out_public_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.document_export_formats",
        "core.schema.describe_tags",
        "core.schema.document_query_parameter_errors",
    ],
    # One name per choice set used under several field names (else `check --deploy` warns).
    "ENUM_NAME_OVERRIDES": {
        "AssessmentResultEnum": "platforms.choices.AssessmentResult",
        "PlatformGradeEnum": "platforms.choices.PlatformGrade",
        "ReportResultEnum": "registry.choices.ReportResult",
        "CreditGroundEnum": "registry.choices.CreditGround",
        "ProposalKindEnum": "supervision.choices.ProposalKind",
        "ProposalStatusEnum": "supervision.choices.ProposalStatus",
        "GradeEnum": "ratings.choices.Grade",
        "ChangeSourceEnum": "core.choices.ChangeSource",
        "FundingSourceEnum": "platforms.choices.FundingSource",
        "RevocationGroundEnum": "ratings.choices.RevocationGround",
        "RegistrationLevelEnum": "registry.choices.RegistrationLevel",
    },
}

# The public register (DESIGN §11; docs/decisions/0321-public-caching.md): requests per client address
# to the verification API, and how long any cache may keep a public page or answer.
PUBLIC_API_THROTTLE_RATE = os.environ.get("PUBLIC_API_THROTTLE_RATE", "60/minute")
PUBLIC_CACHE_MAX_AGE = int(os.environ.get("PUBLIC_CACHE_MAX_AGE", "300"))
# Where `manage.py publish_open_data` writes the dated releases that /open-data/ serves; how many it keeps.
OPEN_DATA_ROOT = Path(os.environ.get("OPEN_DATA_ROOT", str(BASE_DIR / "open-data")))
OPEN_DATA_KEEP = int(os.environ.get("OPEN_DATA_KEEP", "30"))

LOGIN_URL = "admin:login"

# Failed logins (docs/decisions/0131-login-lockout.md): django-axes counts them per user name and per
# client address; from the second one each failure is answered more slowly (core.login), and at
# LOGIN_FAILURE_LIMIT the user name or address is locked for LOGIN_LOCK_MINUTES. Clerks see and lift
# locks in the admin (访问尝试).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked user or address before checking
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCK_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one alone locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.login.locked_out"
AXES_CLIENT_IP_CALLABLE = "core.login.client_address"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False  # core.admin.accounts.LoginLockAdmin instead: clerks read and lift locks, never delete
# nginx (docs/deploy.md) appends the client's address to X-Forwarded-For: the address this many proxies
# back is the client's. 0: REMOTE_ADDR is the client (runserver, no proxy).
REGISTRY_TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0" if DEBUG else "1"))
# Delay of the answer to a failed login: this many seconds per earlier failure, at most the maximum.
REGISTRY_LOGIN_SLOWDOWN_SECONDS = float(os.environ.get("LOGIN_SLOWDOWN_SECONDS", "1"))
REGISTRY_LOGIN_SLOWDOWN_MAX_SECONDS = float(os.environ.get("LOGIN_SLOWDOWN_MAX_SECONDS", "4"))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Content-Security-Policy of every response (django-csp; docs/decisions/0132-content-security-policy.md):
# scripts, styles, images and fonts from the registry itself only, nothing inline, no frames, no plugins.
# The admin, the dashboard and the Swagger UI work under it; ReDoc relaxes it on its own page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Paths whose responses carry personal data (phones, contacts, history, exports): never stored by a
# browser or a proxy (Cache-Control: no-store; core.middleware.NoStoreMiddleware).
REGISTRY_NO_STORE_PATHS = ["/admin/", "/api/v1/"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The districts a district system may be bound to: registry's divisions, named here so core needs no import.
REGISTRY_CURRENT_DISTRICT_CODES = "registry.selectors.current_district_codes"
# The township codes a township filing desk may be bound to (DESIGN §9), named by registry like the above.
REGISTRY_CURRENT_TOWNSHIP_CODES = "registry.selectors.current_township_codes"

# What apps above registry add to its organizations (registry/extensions.py): named here, so registry
# imports none of them. ratings adds the current grade.
REGISTRY_ORGANIZATION_EXTENSIONS = ["ratings.extensions.ORGANIZATION_GRADE"]

# Loaded by `make run` (manage.py bootstrap) into an empty database; drawn from the reply and the code standards.
REGISTRY_FIXTURES = [
    str(BASE_DIR / "fixtures" / "divisions.json"),
    str(BASE_DIR / "fixtures" / "townships.json"),
    str(BASE_DIR / "fixtures" / "published_figures.json"),
    str(BASE_DIR / "fixtures" / "documents.json"),
    str(BASE_DIR / "fixtures" / "platforms.json"),
    str(BASE_DIR / "fixtures" / "party.json"),
    str(BASE_DIR / "fixtures" / "honours.json"),
]

# Purchased services: from this project year on, a provider below 3A (or without a current grade) on
# the award date is refused rather than only flagged. Unset: flagged only (the policy gives 3A and
# above priority, not exclusivity). See docs/decisions/0052-below-3a-flag-and-refusal.md.
PROCUREMENT_REQUIRE_3A_FROM_YEAR = (
    int(os.environ["PROCUREMENT_REQUIRE_3A_FROM_YEAR"]) if os.environ.get("PROCUREMENT_REQUIRE_3A_FROM_YEAR") else None
)

# The job queue (docs/decisions/0280-job-queue.md): Django's tasks API (django-tasks) on the database
# backend, so jobs are rows committed with the data that asked for them, and `make run` needs no other
# service. Workers: `manage.py run_worker --processes N` on every machine (docs/deploy.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A job that raises is tried again after a growing pause (jobs.queue.registry_task): at most this many
# tries, the n-th retry after REGISTRY_JOB_RETRY_SECONDS * 2**(n-1), capped at REGISTRY_JOB_RETRY_MAX_SECONDS.
REGISTRY_JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "5"))
REGISTRY_JOB_RETRY_SECONDS = int(os.environ.get("JOB_RETRY_SECONDS", "30"))
REGISTRY_JOB_RETRY_MAX_SECONDS = int(os.environ.get("JOB_RETRY_MAX_SECONDS", "3600"))
# Periodic jobs (jobs.schedule): (name, what, when). `what` is a management command by name or the
# dotted path of a task; `when` is "daily HH:MM" (Beijing time) or "every N s". Each slot is enqueued
# exactly once however many schedulers run (a unique row per job and slot).
REGISTRY_PERIODIC_JOBS = [
    ("prune_exports", "prune_exports", "daily 03:30"),
    ("prune_idempotency_keys", "prune_idempotency_keys", "every 3600 s"),
    ("prune_task_results", "prune_db_task_results", "daily 04:00"),  # django-tasks-db's: finished jobs, 14 days
    ("reclaim_stale_jobs", "reclaim_stale_jobs", "every 300 s"),
    ("deliver_webhooks", "deliver_webhooks", "every 30 s"),
    # The bureau's daily cycle: supervision proposals for the day (DESIGN §7), then the open-data release
    # of the day before's register (DESIGN §11).
    ("supervise", "supervise", "daily 01:00"),
    ("publish_open_data", "publish_open_data", "daily 02:00"),
]
# A job running longer than this lost its worker (killed, machine gone): marked failed and tried again.
REGISTRY_JOB_TIMEOUT_SECONDS = int(os.environ.get("JOB_TIMEOUT_SECONDS", str(4 * 3600)))
# /healthz calls the queue degraded when a ready job has waited longer than this for a worker.
REGISTRY_QUEUE_MAX_WAIT_SECONDS = int(os.environ.get("QUEUE_MAX_WAIT_SECONDS", "300"))
# A daily slot missed (no scheduler running at HH:MM) is still run this long after it, not later.
REGISTRY_PERIODIC_GRACE_SECONDS = int(os.environ.get("PERIODIC_GRACE_SECONDS", str(6 * 3600)))

# Long exports (POST exports/): files written through this storage alias, kept this many days.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("EXPORTS_DIR", str(BASE_DIR / "var" / "exports"))},
    },
}
REGISTRY_EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", "7"))
# The progress of a long export is saved every this many rows.
REGISTRY_EXPORT_PROGRESS_ROWS = int(os.environ.get("EXPORT_PROGRESS_ROWS", "1000"))

# Idempotency-Key on POST (core.idempotency): a repeat within this many hours answers the first response.
REGISTRY_IDEMPOTENCY_HOURS = 24
