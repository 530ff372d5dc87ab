from django.core.management.base import BaseCommand

from madoguchi.directory.services import sync_catalog


class Command(BaseCommand):
    help = "Load the shipped catalog (parties and desks) into the database, replacing old rows."

    def handle(self, *args: object, **options: object) -> None:
        saved, removed = sync_catalog()
        self.stdout.write(f"catalog: {saved} parties saved, {removed} stale rows removed")
