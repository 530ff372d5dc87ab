"""Settings, all from environment variables, with defaults that work on a fresh laptop.

MADOGUCHI_DATA_DIR   where the SQLite database and the generated secret key live
                     (default: ~/.local/share/madoguchi)
DATABASE_URL         e.g. postgres://user@127.0.0.1:5432/madoguchi (default: SQLite in the data dir)
MADOGUCHI_SECRET_KEY the secret key (default: generated once into the data dir)
MADOGUCHI_DEBUG      "1" for Django's debug pages (default: off, so no traceback reaches a user)
MADOGUCHI_ALLOWED_HOSTS  comma-separated (default: 127.0.0.1,localhost)
MADOGUCHI_TEST_DATABASE_URL  the database the test suite uses instead (CI: PostgreSQL)
MADOGUCHI_REDIS_URL  e.g. redis://127.0.0.1:6379/0 on a team server: sessions are then read
                     from Redis, shared by every worker (default: from the database)
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "madoguchi.orgs",
    "madoguchi.directory",
    "madoguchi.sites",
    "madoguchi.cases",
    "madoguchi.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

ROOT_URLCONF = "madoguchi.server.urls"
WSGI_APPLICATION = "madoguchi.server.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
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


TESTING = "pytest" in sys.modules or os.environ.get("MADOGUCHI_TESTING") == "1"


def _database() -> dict[str, object]:
    url = os.environ.get("MADOGUCHI_TEST_DATABASE_URL") if TESTING else None
    url = url or os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "madoguchi.sqlite3"}


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:  # a slow password hash per test user dominates the suite's time otherwise
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
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

EMAIL_BACKEND = os.environ.get(
    "MADOGUCHI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)

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
# database.
if REDIS_URL := os.environ.get("MADOGUCHI_REDIS_URL"):
    CACHES["sessions"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "madoguchi",
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
