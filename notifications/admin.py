from django.contrib import admin

from notifications.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "subject", "template", "state", "attempts"]
    list_filter = ["state", "template", "conference"]
    search_fields = ["subject", "dedupe_key"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]
