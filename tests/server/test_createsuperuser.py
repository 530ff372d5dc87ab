"""`createsuperuser --noinput` applies the password validators, as the prompt does: a deploy
script cannot create an administrator with the password 123."""

from __future__ import annotations

from pathlib import Path

from tests.server.test_deploy import _env, _manage


def test_noinput_refuses_a_weak_password_and_accepts_a_strong_one(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert _manage(env, "migrate", "-v0").returncode == 0
    args = ("createsuperuser", "--noinput", "--username", "root", "--email", "r@example.jp")
    weak = _manage(env | {"DJANGO_SUPERUSER_PASSWORD": "123"}, *args)
    assert weak.returncode != 0
    assert "DJANGO_SUPERUSER_PASSWORD" in weak.stderr
    assert "too short" in weak.stderr or "短すぎ" in weak.stderr
    strong = _manage(env | {"DJANGO_SUPERUSER_PASSWORD": "kasumi-Tower-87-lantern"}, *args)
    assert strong.returncode == 0, strong.stderr
