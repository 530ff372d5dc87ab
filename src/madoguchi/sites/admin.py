from django.contrib import admin

from madoguchi.sites.models import BillLine, Contract, Customer, Event, Site


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0
    fields = ["ref", "service", "party", "product", "start", "end", "monthly_yen"]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "customer", "prefecture", "updated"]
    list_filter = ["organization"]
    search_fields = ["name", "customer__name"]
    list_select_related = ["organization", "customer"]
    inlines = [ContractInline]
    # Validated as a site file on import; a hand-edited one could stop the site's page.
    readonly_fields = ["parties"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    search_fields = ["name"]


admin.site.register(Event)
admin.site.register(BillLine)
