"""Settings for the service desk. Everything that differs between machines comes
from the environment (see .env.example); the defaults are the embedded setup that
`make run` uses: SQLite, Celery tasks run in-process, mail written to files."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from servicedesk.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SERVICEDESK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
if not DEBUG and SECRET_KEY.startswith("change-me"):
    raise ImproperlyConfigured("SECRET_KEY is still the placeholder of .env.example")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "servicedesk.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_fsm",
    "simple_history",
    "ninja",  # the API docs page (/api/v1/docs) with its vendored Swagger UI: no CDN
    "servicedesk",
    "knowledge",
    "incidents",
    "problems",
    "changes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Loads the user first: a down database answers 503, not 500. Middleware that reads
    # the database goes after it.
    "servicedesk.unavailable.DatabaseUnavailableMiddleware",
    "servicedesk.language.ContactLanguageMiddleware",  # a contact reads their own language
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # django-htmx's request.htmx, plus Vary on the HX-* headers a view consulted.
    "servicedesk.htmx.HtmxVaryMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "servicedesk.errors.MethodNotAllowedPageMiddleware",  # a styled page for a bare 405
]

# The benchmark (`make bench`, servicedesk/benchmark/): BENCH_FLOOR=1 mounts the bare
# page it measures everything against at /bench/floor/ (no login) and sends each
# response's SQL query count in an X-Bench-Queries header. Off in production.
BENCH_FLOOR = env_bool("BENCH_FLOOR", False)
BENCH_FLOOR_ROWS = "incidents.bench.floor_rows"  # the newest tickets
BENCH_FLOOR_LINK = "incidents:detail"  # each row's link, by number
if BENCH_FLOOR:
    MIDDLEWARE.insert(0, "servicedesk.benchmark.floor.QueryCountMiddleware")

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"

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
                "django.template.context_processors.csp",
                "servicedesk.context_processors.workspace",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    # A down server is reported within seconds (libpq's connect timeout), not after the
    # operating system's TCP timeout.
    _pg_options["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    if env_bool("DATABASE_POOL", True):
        from servicedesk.database import check_pooled_connection

        _pg_options["pool"] = {
            # Each connection handed out is checked first: after a server restart the
            # pool replaces its dead connections instead of letting requests fail on them.
            "check": check_pooled_connection,
            # Seconds a request waits for a connection before the database counts as
            # unavailable (503 page; `ingest_email` exits 75, a temporary failure).
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 5),
        }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the in-process worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Django's ModelBackend, refusing every login while the account or the client is locked
# out (servicedesk/login_throttle.py), and a deactivated contact's login at once
# (servicedesk/auth.py): one backend, so force_login and sessions name it.
AUTHENTICATION_BACKENDS = ["servicedesk.login_throttle.LoginThrottleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
# The offered languages: the contact's language choices, the portal and the mail. Each one
# has a complete catalogue in locale/ (tests/servicedesk/test_i18n.py checks it).
LANGUAGES = [("en", _("English")), ("de", _("German")), ("fr", _("French")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Attachments live outside any served directory; a view checks access and streams them.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# A resolved problem closes once its incidents have stayed away this long (or with a reason).
PROBLEM_QUIET_DAYS = env_int("PROBLEM_QUIET_DAYS", 30)
# The change manager's figures: an incident on one of a change's services registered
# within this many hours after the change finished counts as following it.
CHANGE_INCIDENT_HOURS = env_int("CHANGE_INCIDENT_HOURS", 48)
if CHANGE_INCIDENT_HOURS < 1:
    raise ImproperlyConfigured("CHANGE_INCIDENT_HOURS must be at least 1")
# A ticket's page shows the changes carried out on its service or configuration item that
# were under way when it was raised or finished less than this many hours before.
CHANGE_RECENT_HOURS = env_int("CHANGE_RECENT_HOURS", 24)
if CHANGE_RECENT_HOURS < 1:
    raise ImproperlyConfigured("CHANGE_RECENT_HOURS must be at least 1")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Outgoing mail (Django 6.1's MAILERS). With DEBUG on and no EMAIL_HOST, mail is
# written to files under var/mail/ where a developer can read it.
_email_host = env_str("EMAIL_HOST", "")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": env_int("EMAIL_TIMEOUT", 20),
            },
        }
    }
elif DEBUG:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
else:
    raise ImproperlyConfigured("EMAIL_HOST must be set when DEBUG is off")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Service Desk <servicedesk@localhost>")

# Links in email point here (no trailing slash).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The domain in our Message-IDs and thread ids (<INC-000123@domain>). Default: the
# domain of DEFAULT_FROM_EMAIL.
EMAIL_MESSAGE_ID_DOMAIN = env_str("EMAIL_MESSAGE_ID_DOMAIN", "")

# Inbound email (`manage.py ingest_email` on a mail server's pipe, `manage.py poll_mailbox`
# and the beat task for the IMAP mailboxes configured in the admin).
# A larger message is refused: its sender (a person, never an auto-responder) is told so.
EMAIL_MAX_MESSAGE_BYTES = env_int("EMAIL_MAX_MESSAGE_BYTES", 25 * 1024 * 1024)
# Attachments a ticket keeps from one message; the others are listed in a note (the raw
# message, kept with the inbound email, still has them all).
EMAIL_MAX_ATTACHMENTS = env_int("EMAIL_MAX_ATTACHMENTS", 20)
# The loop guard: more messages than this from one sender within an hour that would open
# or change tickets wait in the quarantine instead.
EMAIL_MAX_PER_SENDER_PER_HOUR = env_int("EMAIL_MAX_PER_SENDER_PER_HOUR", 10)
# IMAP: seconds to wait for the server, and the most messages one poll takes per mailbox
# (the rest wait for the next poll).
EMAIL_IMAP_TIMEOUT = env_int("EMAIL_IMAP_TIMEOUT", 30)
EMAIL_POLL_BATCH = env_int("EMAIL_POLL_BATCH", 100)

# Celery. Production: Redis (CELERY_BROKER_URL=redis://…) with a worker and beat (README).
# `make run` starts a worker with embedded beat on Celery's SQLite-backed transport and
# sets CELERY_BROKER_URL=sqla+sqlite:///…/var/celery-broker.sqlite3 for it and the web
# server. With no broker at all (tests, a plain runserver, a management command) tasks
# run in-process (eager) once the transaction commits.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
if not CELERY_TASK_ALWAYS_EAGER and not CELERY_BROKER_URL:
    raise ImproperlyConfigured("CELERY_TASK_ALWAYS_EAGER=0 needs a CELERY_BROKER_URL")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A prefix for every key Celery keeps in Redis, to share one Redis database between
# installations (the tests use it to keep parallel runs apart).
if _redis_prefix := env_str("CELERY_REDIS_KEY_PREFIX", ""):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": _redis_prefix}
# Nothing reads task results: no result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A task is acknowledged when it has run, and put back if its worker dies, so nothing is
# lost; every task is idempotent, so running one again does no harm.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Enforced by the prefork pool (production); the solo pool of `make run` ignores them.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic jobs (beat). `expires` drops runs that waited too long (a worker was down):
# the next run does the same work.
CELERY_BEAT_SCHEDULE = {
    "sla-sweep": {
        "task": "incidents.tasks.sla_sweep",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "auto-close-completed": {
        "task": "incidents.tasks.auto_close_completed",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    "requeue-notifications": {
        "task": "servicedesk.tasks.requeue_notifications",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "poll-mailboxes": {
        "task": "incidents.tasks.poll_mailboxes",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The desk manager's dashboard: roll up the days that ended (metrics of long periods).
    "dashboard-rollup": {
        "task": "incidents.tasks.dashboard_rollup",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
    "tell-customers-of-changes": {
        "task": "changes.tasks.notify_customers_pending",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
}

SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
if env_bool("BEHIND_TLS_PROXY", False):
    # The proxy terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
# `manage.py ingest_email` runs in a mail server's pipe, whose output ends up in bounces:
# its log lines (and warnings) go to this file instead of the console.
INGEST_EMAIL_LOG = env_str("INGEST_EMAIL_LOG", str(VAR_DIR / "ingest_email.log"))

# Completed tickets close by themselves after this many days without a word from the contact.
AUTO_CLOSE_AFTER_DAYS = env_int("AUTO_CLOSE_AFTER_DAYS", 3)

# --- Abuse limits (servicedesk/throttling.py) -------------------------------------------
# Counters live in the cache, which must be shared by every web process: Redis in
# production (CACHE_URL=redis://…). Without CACHE_URL each process counts for itself
# (fine for `make run`'s single server; `check --deploy` warns when DEBUG is off).
if _cache_url := env_str("CACHE_URL", ""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "servicedesk"),
        }
    }
# Proxies in front of the site that append to X-Forwarded-For: the client address is the
# one this many entries from the end. 0: REMOTE_ADDR (no proxy). Also django-ninja's.
NUM_PROXIES = env_int("NUM_PROXIES", 1 if env_bool("BEHIND_TLS_PROXY", False) else 0)
NINJA_NUM_PROXIES = NUM_PROXIES
# Rates are "count/period", the period in s, min, h or d with an optional number
# ("5/15min": five per quarter of an hour). Failed logins per account name and per
# client address: beyond them every login is refused, right password or not, until the
# period ends.
LOGIN_FAILURES_PER_ACCOUNT = env_str("LOGIN_FAILURES_PER_ACCOUNT", "5/15min")
LOGIN_FAILURES_PER_CLIENT = env_str("LOGIN_FAILURES_PER_CLIENT", "30/15min")
# Password-reset requests per address and per client: beyond them no more mail is sent
# (the page says the same as always).
PASSWORD_RESETS_PER_ADDRESS = env_str("PASSWORD_RESETS_PER_ADDRESS", "3/h")
PASSWORD_RESETS_PER_CLIENT = env_str("PASSWORD_RESETS_PER_CLIENT", "10/h")
# API requests per token and alerts per alert source; beyond them 429 with Retry-After.
API_RATE_PER_TOKEN = env_str("API_RATE_PER_TOKEN", "120/min")
ALERTS_RATE_PER_SOURCE = env_str("ALERTS_RATE_PER_SOURCE", "300/min")
