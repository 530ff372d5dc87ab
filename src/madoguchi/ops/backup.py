"""The whole database to one file and back (`madoguchi manage backup` / `restore`).

SQLite: the online backup API, so a copy taken while the server runs is consistent, and a
restore is written in one transaction (all or nothing). PostgreSQL: pg_dump and pg_restore in
the custom format, the restore in a single transaction that stops at the first error. A
backup is written next to its destination and renamed into place, so a failed backup never
leaves a half-written file under the name of a good one.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(Exception):
    """Why a backup or restore could not be done; nothing was changed."""


def engine_of(db: dict[str, Any]) -> str:
    engine = str(db.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {engine}")


def describe(db: dict[str, Any]) -> str:
    """The database in words, for a confirmation message."""
    if engine_of(db) == "sqlite":
        return f"the SQLite database {db['NAME']}"
    host = db.get("HOST") or "localhost"
    return f"the PostgreSQL database {db['NAME']} on {host}"


def backup(db: dict[str, Any], dest: Path) -> None:
    """Write the whole database to `dest`, creating its folder (a first nightly backup into
    /var/backups/madoguchi/ should not fail for want of the folder)."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"{dest.parent}: cannot create the folder ({exc.strerror})") from None
    partial = dest.with_name(dest.name + ".partial")
    try:
        if engine_of(db) == "sqlite":
            _sqlite_backup(_sqlite_path(db), partial)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={partial}", *_pg_args(db)], db)  # fmt: skip
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


def restore(db: dict[str, Any], source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    if engine_of(db) == "sqlite":
        _sqlite_restore(source, _sqlite_path(db))
        return
    _run(["pg_restore", "--list", str(source)], db)  # a readable dump, before touching the db
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", *_pg_args(db), str(source)], db)  # fmt: skip


def _sqlite_path(db: dict[str, Any]) -> Path:
    name = str(db["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(name)


def _sqlite_backup(path: Path, dest: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path}: no such database")
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        target = sqlite3.connect(dest)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            target.close()
    finally:
        source.close()


def _sqlite_restore(source: Path, path: Path) -> None:
    with source.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(f"{source}: not an SQLite backup")
    backup_db = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            checked = backup_db.execute("PRAGMA quick_check").fetchone()[0]
            tables = backup_db.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'django_migrations'"
            ).fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source}: not a readable SQLite backup ({exc})") from None
        if checked != "ok":
            raise BackupError(f"{source}: damaged ({checked})")
        if not tables:
            raise BackupError(f"{source}: not a Madoguchi backup (no django_migrations table)")
        path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(path, timeout=30)
        try:
            backup_db.backup(target)  # every page in one step: one write transaction
        finally:
            target.close()
    finally:
        backup_db.close()


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args.append(f"{flag}={db[key]}")
    args.append(f"--dbname={db['NAME']}")
    return args


def _run(command: list[str], db: dict[str, Any]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        )
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{command[0]} failed: " + " / ".join(lines))
