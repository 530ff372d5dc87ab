from django.contrib import admin

from madoguchi.receivables.models import Deduction, Payment, Receivable


class PaymentInline(admin.TabularInline):
    model = Payment
    fields = ["paid_on", "amount_yen", "note"]
    extra = 0


@admin.register(Receivable)
class ReceivableAdmin(admin.ModelAdmin):
    list_display = ["description", "agent", "amount_yen", "due", "organization"]
    search_fields = ["description", "agent__name"]
    inlines = [PaymentInline]


@admin.register(Deduction)
class DeductionAdmin(admin.ModelAdmin):
    list_display = ["payment", "kind", "amount_yen"]
