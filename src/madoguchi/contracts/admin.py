"""Site data is read-only here: every write goes through contracts.services (or the site-file
import), which keeps a stored site a valid site file; the admin is for looking."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from madoguchi.contracts.models import BillLine, Contract, Customer, Event, Site


class ReadOnly:
    """Neither add, change nor delete (the pages, the API and the CLI write through the
    services)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ContractInline(ReadOnly, admin.TabularInline):
    model = Contract
    extra = 0
    fields = ["ref", "service", "party", "product", "start", "end", "monthly_yen"]


@admin.register(Site)
class SiteAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "organization", "customer", "prefecture", "updated"]
    list_filter = ["organization"]
    search_fields = ["name", "customer__name"]
    list_select_related = ["organization", "customer"]
    inlines = [ContractInline]


@admin.register(Customer)
class CustomerAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "organization"]
    search_fields = ["name"]


@admin.register(Event)
class EventAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["site", "kind", "party", "date"]
    list_select_related = ["site"]


@admin.register(BillLine)
class BillLineAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["site", "party", "month", "yen"]
    list_select_related = ["site"]
