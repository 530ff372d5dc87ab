from django.contrib import admin

from madoguchi.subcontracts.models import IntakeLink, SubcontractRequest


@admin.register(SubcontractRequest)
class SubcontractRequestAdmin(admin.ModelAdmin):
    list_display = ["customer_name", "agent_name", "organization", "status", "created"]
    list_filter = ["status", "channel"]
    search_fields = ["customer_name", "agent_name", "caller_name"]
    raw_id_fields = ["agent", "customer", "site", "case", "intake_link", "receivable"]
    readonly_fields = ["checks", "checked", "created"]


@admin.register(IntakeLink)
class IntakeLinkAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "prefix", "created", "revoked"]
    readonly_fields = ["digest", "prefix", "created"]
