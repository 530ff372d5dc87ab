"""The suite runs with test_settings.py; the server's settings never guess that they are
under test (importing pytest, as a plugin or a script might, must not change them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from django.conf import settings

SERVER_SETTINGS = (
    "import json, pytest\n"
    "from madoguchi.server import settings\n"
    "db = settings.DATABASES['default']\n"
    "print(json.dumps({'hasher': getattr(settings, 'PASSWORD_HASHERS', [''])[0],"
    " 'test_name': db.get('TEST', {}).get('NAME'), 'host': db.get('HOST')}))\n"
)


def test_the_suite_runs_with_the_test_settings() -> None:
    assert settings.SETTINGS_MODULE == "madoguchi.server.test_settings"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_server_settings_ignore_pytest_and_the_test_database(tmp_path: object) -> None:
    env = {
        **os.environ,
        "MADOGUCHI_DATA_DIR": str(tmp_path),
        "MADOGUCHI_TEST_DATABASE_URL": "postgres://nobody@192.0.2.1:5432/not_this_one",
    }
    env.pop("DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-c", SERVER_SETTINGS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    # Django's default hashers (PBKDF2 first), SQLite in the data dir, no test file.
    assert json.loads(run.stdout) == {"hasher": "", "test_name": None, "host": None}


def test_sqlite_keeps_each_threads_connection_between_requests() -> None:
    from madoguchi.server.settings import database

    assert database(None)["CONN_MAX_AGE"] == 600
    assert database("postgres://u@127.0.0.1:5432/db")["CONN_MAX_AGE"] == 60


def test_postgresql_prepares_the_statements_a_connection_repeats(monkeypatch: Any) -> None:
    from madoguchi.server.settings import database

    url = "postgres://u@127.0.0.1:5432/db"
    options = database(url)["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 2
    monkeypatch.setenv("MADOGUCHI_PG_PREPARED", "0")
    assert "prepare_threshold" not in database(url).get("OPTIONS", {})
