"""Settings for the django-helpdesk benchmark project: production-like (no debug, cached
templates), SQLite with the same options as Madoguchi's (WAL, synchronous=NORMAL), Japanese
and Tokyo time as Madoguchi. django-helpdesk's own settings keep their defaults except teams
mode (it needs pinax-teams) and, with scope "queue", per-queue staff permissions."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR = Path(os.environ["HELPDESK_BENCH_DATA"])
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = "helpdesk-bench-only-not-a-secret"  # a local benchmark, never served
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hdbench.urls"
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

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "helpdesk.sqlite3",
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
# The generator makes users with a password; a fast hasher keeps that out of its time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SITE_ID = 1
LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
MEDIA_ROOT = DATA_DIR / "media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:dashboard"

HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_ENABLE_PER_QUEUE_STAFF_PERMISSION = os.environ.get("HELPDESK_BENCH_SCOPE") == "queue"
