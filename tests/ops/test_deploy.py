"""Production: `check --deploy` is clean with the documented environment, `madoguchi serve`
serves through gunicorn, and a backup comes back whole. Each runs the real command in a
subprocess against its own data folder (the test database is not a file)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from madoguchi.ops.backup import BackupError, backup, restore

MADOGUCHI = str(Path(sys.executable).parent / "madoguchi")
PRODUCTION = {
    "MADOGUCHI_SECRET_KEY": "k3J9-vQ2x_Lm8pR4tY7wZ1aB5cD0eF6gH2iJ8kL4mN0oP6qR2sT8uV4wX0yZ6a",
    "MADOGUCHI_DEBUG": "0",
    "MADOGUCHI_ALLOWED_HOSTS": "madoguchi.example.jp",
    "MADOGUCHI_HTTPS": "1",
    "MADOGUCHI_PROXY_SSL_HEADER": "1",
}


# The test run's databases and its settings module (pytest's test_settings).
TEST_RUN_ONLY = (
    "DATABASE_URL",
    "MADOGUCHI_TEST_DATABASE_URL",
    "MADOGUCHI_REDIS_URL",
    "DJANGO_SETTINGS_MODULE",
)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh server: its own data folder, SQLite, no test settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in TEST_RUN_ONLY
        and not k.startswith(("MADOGUCHI_HSTS", "MADOGUCHI_HTTPS", "PYTEST"))
    }
    return env | {"MADOGUCHI_DATA_DIR": str(tmp_path)} | extra


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MADOGUCHI, "manage", *args], env=env, capture_output=True, text=True, timeout=120
    )


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _manage(env, "check", "--deploy", "--fail-level", "WARNING")


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    done = _deploy_check(_env(tmp_path, **PRODUCTION, MADOGUCHI_HSTS_PRELOAD="1"))
    assert done.returncode == 0, done.stderr
    assert "no issues" in done.stdout


def test_without_preload_only_the_preload_reminder_is_left(tmp_path: Path) -> None:
    done = _deploy_check(_env(tmp_path, **PRODUCTION))
    assert set(re.findall(r"security\.W\d+", done.stderr)) == {"security.W021"}, done.stderr


def test_a_laptop_setup_is_what_check_deploy_warns_about(tmp_path: Path) -> None:
    done = _deploy_check(_env(tmp_path))
    for warning in ("W004", "W008", "W012", "W016"):
        assert f"security.{warning}" in done.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_migrates_and_serves_through_gunicorn(tmp_path: Path) -> None:
    """With the default worker kind: one request at a time per worker (`cmd_serve` says why)."""
    port = _free_port()
    server = subprocess.Popen(
        [MADOGUCHI, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=_env(tmp_path, MADOGUCHI_ALLOWED_HOSTS="127.0.0.1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as page:
                    assert page.status == 200
                    assert page.headers["Server"] == "gunicorn"
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "the server did not answer in 60 s"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log = server.stdout.read() if server.stdout else ""
        if server.stdout:
            server.stdout.close()
    assert "Using worker: sync" in log


def _slugs(database: Path) -> list[str]:
    with closing(sqlite3.connect(database)) as db:
        return [row[0] for row in db.execute("SELECT slug FROM org ORDER BY slug")]


def _write(database: Path, *statements: str) -> None:
    with closing(sqlite3.connect(database)) as db, db:
        for statement in statements:
            db.execute(statement)


def test_sqlite_backup_and_restore_round_trip(tmp_path: Path) -> None:
    env = _env(tmp_path)
    database = tmp_path / "madoguchi.sqlite3"  # the server's database in that data folder
    _write(
        database,
        "CREATE TABLE django_migrations (id integer primary key, app text, name text)",
        "CREATE TABLE org (slug text primary key)",
        "INSERT INTO org VALUES ('kanda'), ('ueno')",
    )
    file = tmp_path / "backups" / "nightly" / "backup.sqlite3"  # a folder not made yet
    done = _manage(env, "backup", str(file))
    assert done.returncode == 0, done.stderr
    _write(database, "DELETE FROM org WHERE slug = 'kanda'", "INSERT INTO org VALUES ('later')")

    refused = _manage(env, "restore", str(file))
    assert refused.returncode != 0
    assert "--yes" in refused.stderr
    assert _slugs(database) == ["later", "ueno"]

    done = _manage(env, "restore", str(file), "--yes")
    assert done.returncode == 0, done.stderr
    assert _slugs(database) == ["kanda", "ueno"]


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    env = _env(tmp_path)
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello", encoding="utf-8")
    done = _manage(env, "restore", str(not_a_backup), "--yes")
    assert done.returncode != 0
    assert "not an SQLite backup" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.database
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the test database is not PostgreSQL")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_postgresql_backup_and_restore_round_trip(db: Any, tmp_path: Path) -> None:
    import psycopg

    settings = dict(connection.settings_dict)
    scratch = f"{settings['NAME']}_backup_scratch"
    conninfo = {
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        with psycopg.connect(dbname=scratch, autocommit=True, **conninfo) as db_:
            db_.execute("CREATE TABLE org (slug text PRIMARY KEY)")
            db_.execute("INSERT INTO org VALUES ('kanda'), ('ueno')")
        target = settings | {"NAME": scratch}
        file = tmp_path / "backup.dump"
        backup(target, file)
        with psycopg.connect(dbname=scratch, autocommit=True, **conninfo) as db_:
            db_.execute("DELETE FROM org WHERE slug = 'kanda'")
            db_.execute("INSERT INTO org VALUES ('later')")
        with pytest.raises(BackupError):
            restore(target, tmp_path / "missing.dump")
        restore(target, file)
        with psycopg.connect(dbname=scratch, autocommit=True, **conninfo) as db_:
            rows = [r[0] for r in db_.execute("SELECT slug FROM org ORDER BY slug")]
        assert rows == ["kanda", "ueno"]
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
