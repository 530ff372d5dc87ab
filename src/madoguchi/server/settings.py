"""Settings, all from environment variables, with defaults that work on a fresh laptop.

MADOGUCHI_DATA_DIR   where the SQLite database and the generated secret key live
                     (default: ~/.local/share/madoguchi)
DATABASE_URL         e.g. postgres://user@127.0.0.1:5432/madoguchi (default: SQLite in the data dir)
MADOGUCHI_SECRET_KEY the secret key (default: generated once into the data dir)
MADOGUCHI_DEBUG      "1" for Django's debug pages (default: off, so no traceback reaches a user)
MADOGUCHI_ALLOWED_HOSTS  comma-separated (default: 127.0.0.1,localhost)
MADOGUCHI_TEST_DATABASE_URL  the database the test suite uses instead (CI: PostgreSQL);
                     the suite runs with test_settings.py, which reads it
MADOGUCHI_REDIS_URL  e.g. redis://127.0.0.1:6379/0 on a team server: sessions, the login
                     wait's counts and stored sites' records are then kept in Redis, shared
                     by every worker (default: in the database; records in each worker)
MADOGUCHI_PG_PREPARED  "0" behind a pooler that cannot keep prepared statements (default:
                     PostgreSQL keeps each connection's repeated statements prepared)
MADOGUCHI_BILLS_BATCH_PAUSE  seconds a long bill import pauses after each committed batch
                     so other writers get SQLite's lock (default: 0.02 on SQLite, 0 otherwise)

Mail (reminders, password resets; without MADOGUCHI_EMAIL_HOST mail goes to the console):
MADOGUCHI_EMAIL_HOST       the SMTP server, e.g. smtp.example.jp (turns on SMTP)
MADOGUCHI_EMAIL_PORT       default 587 (STARTTLS), or 465 with MADOGUCHI_EMAIL_USE_SSL=1
MADOGUCHI_EMAIL_USER, MADOGUCHI_EMAIL_PASSWORD   the SMTP login (default: none)
MADOGUCHI_EMAIL_USE_TLS    STARTTLS (default: on unless MADOGUCHI_EMAIL_USE_SSL=1)
MADOGUCHI_EMAIL_USE_SSL    implicit TLS (default: off)
MADOGUCHI_EMAIL_FROM       the sender address, e.g. "窓口 <madoguchi@example.jp>"
MADOGUCHI_SERVER_EMAIL     the sender of error mails (default: MADOGUCHI_EMAIL_FROM)
MADOGUCHI_EMAIL_TIMEOUT    seconds before a hung server fails a send (default: 60)
MADOGUCHI_EMAIL_BACKEND    a Django mail backend, overriding the choice above

Logins (a growing wait after wrong passwords, madoguchi.orgs.logins):
MADOGUCHI_LOGIN_FREE_FAILURES    wrong passwords for one username from one address before
                                 each further attempt from there waits (default: 5)
MADOGUCHI_LOGIN_ADDRESS_FREE_FAILURES  the same for any usernames from one address (default: 20)
MADOGUCHI_LOGIN_MAX_WAIT_SECONDS the longest wait; it starts at 1 s and doubles (default: 900)
MADOGUCHI_CLIENT_IP_HEADER       behind a proxy, the header with the client's address, e.g.
                                 X-Forwarded-For (its last entry is used) or X-Real-IP
                                 (default: none, the connection's address)
MADOGUCHI_INTAKE_PER_MINUTE      subcontract requests one client address may send a minute
                                 through an agents' intake link (default: 10)

Production behind an HTTPS proxy (`check --deploy` is clean with these and a real secret key):
MADOGUCHI_HTTPS=1                HTTPS only: sets the four below (each can be set on its own)
MADOGUCHI_SSL_REDIRECT           redirect http:// to https:// (SECURE_SSL_REDIRECT)
MADOGUCHI_SECURE_COOKIES         session and CSRF cookies only over HTTPS
MADOGUCHI_HSTS_SECONDS           Strict-Transport-Security max-age (default 31536000 with HTTPS)
MADOGUCHI_HSTS_INCLUDE_SUBDOMAINS  HSTS for subdomains too (default: on with HTTPS)
MADOGUCHI_HSTS_PRELOAD           "1" to ask browsers to preload HSTS (default: off)
MADOGUCHI_PROXY_SSL_HEADER       "1" behind a proxy that sets X-Forwarded-Proto: https
MADOGUCHI_USE_X_FORWARDED_HOST   "1" to take the host from the proxy's X-Forwarded-Host
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from madoguchi.engine import limits

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ImproperlyConfigured(f"{name} must not be negative, not {value!r}")
    return number


DATA_DIR = Path(
    os.environ.get("MADOGUCHI_DATA_DIR") or Path.home() / ".local" / "share" / "madoguchi"
).expanduser()


def _secret_key() -> str:
    """From the environment, else from the data dir, generated there on first run."""
    if key := os.environ.get("MADOGUCHI_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("MADOGUCHI_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("MADOGUCHI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("MADOGUCHI_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "madoguchi.orgs",  # first: its createsuperuser (validated with --noinput) replaces auth's
    # Before admin: its base, error and login templates come before django.contrib.admin's.
    "madoguchi.server",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "madoguchi.directory",
    "madoguchi.contracts",  # label "sites": see contracts/apps.py
    "madoguchi.cases",
    "madoguchi.sitefiles",
    "madoguchi.bills",
    "madoguchi.money",
    "madoguchi.agents",
    "madoguchi.receivables",
    "madoguchi.subcontracts",
    "madoguchi.incidents",
    "madoguchi.notifications",
    "madoguchi.sites",  # the pages under /sites/ (label "site_pages"; no models)
    "madoguchi.api",
    "madoguchi.ops",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "madoguchi.bills.uploads.BillUploadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "madoguchi.server.inputs.InputGuardMiddleware",  # NUL and overlong query values: 400/422
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "madoguchi.sitefiles.unreadable.UnreadableSiteMiddleware",  # an invalid stored site: 409
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

# Every page: scripts, styles and images from this server only, no inline script or style
# (there is none: keep it so), no plugins, no <base>, never framed, forms post here only.
# A link or text that slipped past validation can then not run anything.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

ROOT_URLCONF = "madoguchi.urls"
WSGI_APPLICATION = "madoguchi.server.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],  # every template is an app's (APP_DIRS): shared ones are server's
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            # Django's {% url %}, each address reversed once (the module says why).
            "builtins": ["madoguchi.server.templatetags.urls"],
        },
    },
]


# Request bodies and uploads, from the site-file limits (engine/limits.py): a form or API body
# holds at most one site file with its escaping; an uploaded file is read up to the site-file
# limit and no further (BoundedUploadHandler), so it stays in memory when accepted.
DATA_UPLOAD_MAX_MEMORY_SIZE = limits.MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = limits.MAX_FILE_BYTES + 64_000
FILE_UPLOAD_HANDLERS = [
    "madoguchi.server.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# The import form answers "too many files" itself up to this backstop (400 page beyond).
DATA_UPLOAD_MAX_NUMBER_FILES = 5 * limits.MAX_UPLOAD_FILES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# SQLite for several people at once: WAL lets pages read while one request writes; a write
# transaction takes the lock when it begins (IMMEDIATE), so two writers queue on the busy
# timeout instead of one failing with "database is locked" when it upgrades from reading.
# Each connection reads the file through a memory map (up to 256 MB) and keeps 32 MB of
# pages (SQLite's default: 2 MB): SQLite's reads were about a tenth of a server worker's CPU
# under the load test at 10⁵ cases, each page not in its small cache copied from the OS by a
# system call; with both, about 5 % less CPU a page (issue 26, bench/README.md).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA mmap_size=268435456; PRAGMA cache_size=-32000;"
    ),
}


# PostgreSQL: values sent apart from the SQL, and a statement a connection has run twice kept
# prepared on the server (psycopg's prepare_threshold), so each page's queries are parsed and
# planned once per connection instead of on every request: 12–22 % more pages a second from
# the team server (issue 26, bench/README.md). MADOGUCHI_PG_PREPARED=0 turns it off behind a
# pooler that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
POSTGRESQL = "django.db.backends.postgresql"
POSTGRESQL_PREPARED = {"server_side_binding": True, "prepare_threshold": 2}
# Django's backend, reading timestamps with psycopg's C loader (the module says why).
MADOGUCHI_POSTGRESQL = "madoguchi.server.postgresql"


def database(url: str | None) -> dict[str, Any]:
    """The database at `url`, or SQLite in the data dir; SQLite gets SQLITE_OPTIONS.
    test_settings.py builds the test database with it too."""
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
        if config["ENGINE"] == POSTGRESQL:
            config["ENGINE"] = MADOGUCHI_POSTGRESQL
            if env_bool("MADOGUCHI_PG_PREPARED", True):
                config["OPTIONS"] = {**POSTGRESQL_PREPARED, **config.get("OPTIONS", {})}
    else:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "madoguchi.sqlite3"}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        # Each server thread keeps its connection between requests, as PostgreSQL's do
        # (conn_max_age above). Why: opening one per request ran the pragmas and set up the
        # WAL index again, and dropped SQLite's page cache with it: 14 % of the team server's
        # busy time under load (py-spy, issue 26).
        config["CONN_MAX_AGE"] = 600
    return config


DATABASES = {"default": database(os.environ.get("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every password a person sets through a form or `changepassword`/`createsuperuser` must pass
# Django's full set (not like the username or name, 8+ characters, not a common password, not
# all digits) and must not contain the username. Code that calls set_password directly (the
# demo user) is not checked.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "madoguchi.orgs.passwords.ContainsUsernameValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "sites:list"
LOGOUT_REDIRECT_URL = "login"

# Japanese first; English on request (language switcher, Accept-Language).
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even when empty
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the apps: no collectstatic step needed

# --- Mail: reminders and notifications -------------------------------------------------------
# With MADOGUCHI_EMAIL_HOST set, mail goes out through that SMTP server; without it, to the
# console (a laptop needs no mail server). MADOGUCHI_EMAIL_BACKEND overrides either.
EMAIL_HOST = os.environ.get("MADOGUCHI_EMAIL_HOST", "localhost")
EMAIL_USE_SSL = env_bool("MADOGUCHI_EMAIL_USE_SSL", False)  # implicit TLS, usually port 465
EMAIL_USE_TLS = env_bool("MADOGUCHI_EMAIL_USE_TLS", not EMAIL_USE_SSL)  # STARTTLS, port 587
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured("set MADOGUCHI_EMAIL_USE_TLS or MADOGUCHI_EMAIL_USE_SSL, not both")
EMAIL_PORT = env_int("MADOGUCHI_EMAIL_PORT", 465 if EMAIL_USE_SSL else 587)
EMAIL_HOST_USER = os.environ.get("MADOGUCHI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MADOGUCHI_EMAIL_PASSWORD", "")
# The sender of every mail (reminders, password resets) and of error mails to admins.
DEFAULT_FROM_EMAIL = os.environ.get("MADOGUCHI_EMAIL_FROM", "madoguchi@localhost")
SERVER_EMAIL = os.environ.get("MADOGUCHI_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_BACKEND = os.environ.get("MADOGUCHI_EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("MADOGUCHI_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
# A hung mail server fails a reminder (retried next run) well within its lease.
EMAIL_TIMEOUT = env_int("MADOGUCHI_EMAIL_TIMEOUT", 60) or 60

# Each process keeps its own copy of what is cached (directories, keyed by a stamp in the
# database, so the copies cannot disagree with the rows).
CACHES: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
# Sessions are read on every request. With Redis they come from memory shared by all the
# workers (a session ended by one worker is ended for all) and are written through to the
# database; a per-process cache could not promise that, so without Redis they stay in the
# database (Django's store, read from a statement compiled once: server.sessions says why).
SESSION_ENGINE = "madoguchi.server.sessions"
# What every worker process must agree on (the login wait's counts): Redis on a team server,
# else a table in the database (`madoguchi_cache`, made by orgs' migration 0003).
CACHES["shared"] = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "madoguchi_cache",
    "OPTIONS": {"MAX_ENTRIES": 100_000},
}
if REDIS_URL := os.environ.get("MADOGUCHI_REDIS_URL"):
    CACHES["shared"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "madoguchi",
    }
    CACHES["sessions"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "madoguchi",
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"
    # Stored sites' validated records, shared by the workers (cases.assessment.stored_site
    # says why); without Redis each worker keeps its own only.
    CACHES["stored_sites"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "madoguchi",
        "TIMEOUT": 24 * 3600,
    }

# --- Background work: Django's tasks framework on the database (django-tasks-db) ----------
# Bill imports and previews, card batches, reminders and money summaries run as tasks
# (`@task`, `.enqueue()`), picked up by `madoguchi manage worker` (run.sh starts one beside
# the server; in production a systemd service). The queue is a table in the same database:
# SQLite on a laptop, PostgreSQL on a team server (several workers share it: each takes a
# task with SELECT … FOR UPDATE SKIP LOCKED). Redis is not used for tasks even when
# MADOGUCHI_REDIS_URL is set: the Redis backend (django-tasks-rq 0.12) is written against the
# django-tasks backport's classes, not Django 6's django.tasks, so tasks declared with
# django.tasks.task would cross two copies of the framework; and a task's rows committing
# in the same database as the data it writes is what lets a killed import be taken up again.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Each committed batch of a long bill import is followed by this pause (seconds), so that on
# SQLite other writers waiting on the busy timeout take the lock between batches instead of
# the import taking it back at once (MADOGUCHI_BILLS_BATCH_PAUSE; 0 on PostgreSQL, whose
# writers do not share one lock).
BILLS_BATCH_PAUSE = float(
    os.environ.get(
        "MADOGUCHI_BILLS_BATCH_PAUSE",
        "0.02" if DATABASES["default"]["ENGINE"].endswith("sqlite3") else "0",
    )
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Calendar and intake tokens never reach a log line (madoguchi.server.logs).
    "filters": {"redact_tokens": {"()": "madoguchi.server.logs.RedactTokensFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Logins: a growing wait after wrong passwords (madoguchi.orgs.logins) ------------------
# Counted per client address and per (address, username), never per account alone: a
# stranger's wrong passwords never delay the same person logging in from elsewhere. After
# MADOGUCHI_LOGIN_FREE_FAILURES wrong passwords for one username from one address (or
# MADOGUCHI_LOGIN_ADDRESS_FREE_FAILURES for any usernames) the next attempt waits 1 s, then
# 2, 4, … up to MADOGUCHI_LOGIN_MAX_WAIT_SECONDS; a right password from the address starts
# its count over. The counts are in the shared cache, so every worker sees them. API tokens
# are not passwords and are not counted.
AUTHENTICATION_BACKENDS = ["madoguchi.orgs.logins.BackoffBackend"]
MIDDLEWARE.append("madoguchi.orgs.logins.LoginBackoffMiddleware")  # the page saying how long
LOGIN_FREE_FAILURES = env_int("MADOGUCHI_LOGIN_FREE_FAILURES", 5) or 5
LOGIN_ADDRESS_FREE_FAILURES = env_int("MADOGUCHI_LOGIN_ADDRESS_FREE_FAILURES", 20) or 20
LOGIN_MAX_WAIT = env_int("MADOGUCHI_LOGIN_MAX_WAIT_SECONDS", 15 * 60) or 15 * 60
# Behind a proxy every request comes from the proxy's address; name the header in which the
# proxy passes the client's (e.g. X-Forwarded-For, X-Real-IP). Only set it behind a proxy
# that overwrites or appends to it, or a client could pick its own address.
CLIENT_IP_HEADER = os.environ.get("MADOGUCHI_CLIENT_IP_HEADER", "")
# The agents' intake form (madoguchi.subcontracts.throttle): submissions a minute per address.
MADOGUCHI_INTAKE_PER_MINUTE = env_int("MADOGUCHI_INTAKE_PER_MINUTE", 10) or 10

# --- Production behind a proxy: every `check --deploy` setting from the environment ---------
# MADOGUCHI_HTTPS=1 (the site is reached over HTTPS only) turns on the redirect to HTTPS,
# secure session and CSRF cookies and HSTS; each can be set on its own as well.
HTTPS = env_bool("MADOGUCHI_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("MADOGUCHI_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("MADOGUCHI_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("MADOGUCHI_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("MADOGUCHI_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("MADOGUCHI_HSTS_PRELOAD", False)  # a promise to browsers: opt in
# The proxy terminates TLS and says so in X-Forwarded-Proto; trust it only behind such a proxy.
if env_bool("MADOGUCHI_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env_bool("MADOGUCHI_USE_X_FORWARDED_HOST", False)

# --- Notifications (madoguchi.notifications) ----------------------------------------------
# The address people reach this server at, for links in notifications (no request to ask).
MADOGUCHI_PUBLIC_URL = os.environ.get("MADOGUCHI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# LINE Messaging API's push endpoint (a stand-in in tests); the token is per organization.
MADOGUCHI_LINE_PUSH_URL = os.environ.get(
    "MADOGUCHI_LINE_PUSH_URL", "https://api.line.me/v2/bot/message/push"
)
# Webhooks to loopback or private addresses are refused (a webhook must not reach into the
# server's own network) unless this is set, e.g. for a receiver on the same machine.
MADOGUCHI_WEBHOOK_ALLOW_PRIVATE = env_bool("MADOGUCHI_WEBHOOK_ALLOW_PRIVATE", False)
# The worker sweeps for notifications (and the reminder mails) this often, and tells of legal
# deadlines near once a day at this hour (Tokyo): no cron or timer needed (README).
MADOGUCHI_SWEEP_MINUTES = max(env_int("MADOGUCHI_SWEEP_MINUTES", 1), 1)
MADOGUCHI_DEADLINES_HOUR = min(max(env_int("MADOGUCHI_DEADLINES_HOUR", 7), 0), 23)
