"""Every change to a party or a desk, whatever makes it (admin, API, forms, services),
replaces the stamp of the directory it belongs to, so no cached directory outlives it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from madoguchi.directory.models import Desk, DirectoryStamp, Party
from madoguchi.directory.services import directory_changed


@receiver([post_save, post_delete], sender=Party)
def party_changed(sender: type[Party], instance: Party, **kwargs: Any) -> None:
    directory_changed(instance.organization_id)


@receiver([post_save, post_delete], sender=Desk)
def desk_changed(sender: type[Desk], instance: Desk, **kwargs: Any) -> None:
    owners = list(Party.objects.filter(pk=instance.party_id).values_list("organization_id"))
    if owners:
        directory_changed(owners[0][0])
    else:  # the party is gone too, and with it which directory the desk was in
        DirectoryStamp.objects.all().delete()
