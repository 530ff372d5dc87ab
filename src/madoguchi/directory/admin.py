from django.contrib import admin

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
