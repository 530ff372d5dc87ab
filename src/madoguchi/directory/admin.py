from django.contrib import admin
from django.http import HttpRequest

from madoguchi.directory.models import Desk, Party


class DeskInline(admin.StackedInline):
    model = Desk
    extra = 0


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "kind", "status", "organization", "verified", "checked"]
    list_filter = ["kind", "status", "verified", ("organization", admin.EmptyFieldListFilter)]
    search_fields = ["slug", "name", "name_en", "desks__phone"]
    inlines = [DeskInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Party | None = None) -> list[str]:
        # A party moved to another organization would leave the first one's site files
        # pointing at nothing (and its cached directory unaware): create a new one instead.
        return ["organization"] if obj is not None else []
