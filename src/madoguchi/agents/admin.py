from django.contrib import admin

from madoguchi.agents.models import Agent, AgentDetail


class AgentDetailInline(admin.TabularInline):
    model = AgentDetail
    fields = ["kind", "value"]
    extra = 0


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "status", "status_since"]
    list_filter = ["status"]
    search_fields = ["name"]
    inlines = [AgentDetailInline]
