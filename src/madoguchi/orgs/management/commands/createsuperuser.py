"""`createsuperuser`, with the password validators applied in `--noinput` mode too.

Django checks the password only when it asks for it; with `--noinput` it takes
DJANGO_SUPERUSER_PASSWORD as given, so a deploy script could create an administrator with
the password `123`. This command refuses such a password with the validators' own words,
before any user is created. (madoguchi.orgs is listed before django.contrib.auth in
INSTALLED_APPS so that this command is the one `manage.py` runs.)
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password:
            model = get_user_model()
            username = options.get(model.USERNAME_FIELD) or os.environ.get(
                f"DJANGO_SUPERUSER_{model.USERNAME_FIELD.upper()}", ""
            )
            email = options.get("email") or os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
            user = model(**{model.USERNAME_FIELD: username, "email": email})
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError("DJANGO_SUPERUSER_PASSWORD: " + " ".join(exc.messages)) from None
        super().handle(*args, **options)
