"""Settings for the test suite: the server's settings with a test database and a fast
password hash. pytest loads this module (DJANGO_SETTINGS_MODULE in pyproject.toml); nothing
else does, so the server never runs with test settings by accident.

MADOGUCHI_TEST_DATABASE_URL  the database the suite uses (CI: PostgreSQL; pytest-django
                             creates test_<name> beside it); default: DATABASE_URL, else
                             SQLite in a temporary file per process
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from madoguchi.server.settings import *  # noqa: F403
from madoguchi.server.settings import database

DATABASES = {
    "default": database(
        os.environ.get("MADOGUCHI_TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not Django's in-memory database: threads in the concurrency tests then meet the
    # same locking (WAL, busy timeout) as the server's workers do. One per process, so two
    # runs side by side do not share it.
    _name = f"madoguchi-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / _name)}

# A slow password hash per test user would dominate the suite's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run as they are enqueued, in the test's own thread and transaction handling, so a test
# sees what a task did as soon as the write that enqueued it returns. The test that runs a
# real worker (tests/ops/test_worker.py) starts it with the server's settings instead.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
BILLS_BATCH_PAUSE = 0.0

# The login wait's counts in a table of the test database, rolled back with each test: in
# Redis they would outlive the test (and be shared by parallel runs). tests/orgs/test_logins.py
# runs them in Redis on purpose when MADOGUCHI_REDIS_URL is set.
CACHES = CACHES | {  # noqa: F405
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "madoguchi_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}
