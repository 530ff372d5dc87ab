"""`createsuperuser --noinput` applies the password validators, as the prompt does: a deploy
script cannot create an administrator with the password 123.

Run in-process with `call_command` (a child process per call spent ~45 s of CI migrating a
fresh database); the first test pins that this command, not Django's, is the one `manage.py`
finds, which is what a child process used to prove."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

ARGS = ("createsuperuser", "--noinput", "--username", "root", "--email", "r@example.jp")


def test_manage_runs_the_command_that_checks_the_password() -> None:
    assert get_commands()["createsuperuser"] == "madoguchi.orgs"


@pytest.mark.django_db
def test_noinput_refuses_a_weak_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "123")
    with pytest.raises(CommandError) as refused:
        call_command(*ARGS, verbosity=0)
    message = str(refused.value)
    assert "DJANGO_SUPERUSER_PASSWORD" in message
    assert "too short" in message or "短すぎ" in message
    assert not get_user_model().objects.filter(username="root").exists()


@pytest.mark.django_db
def test_noinput_accepts_a_strong_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "kasumi-Tower-87-lantern")
    call_command(*ARGS, verbosity=0)
    assert get_user_model().objects.get(username="root").is_superuser
