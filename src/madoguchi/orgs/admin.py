from typing import Any

from django.contrib import admin

from madoguchi.orgs.models import ApiToken, Membership, Organization
from madoguchi.orgs.services import remove_member


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        """A member deleted in the inline is removed through the service, so the timeline
        names who removed them."""
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        kept = formset.save(commit=False)  # with commit=False nothing is deleted yet
        for membership in formset.deleted_objects:
            remove_member(membership, by=request.user)
        for membership in kept:
            membership.save()
        formset.save_m2m()


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created", "last_used"]
    readonly_fields = ["digest", "prefix", "created", "last_used"]
