from django.contrib import admin

from conference.models import (
    AuditEntry,
    CommitteeMembership,
    Conference,
    Deadline,
    ProgramSession,
    Topic,
    Track,
)


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


class TopicInline(admin.TabularInline):
    model = Topic
    extra = 0


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0
    readonly_fields = ["due_at"]


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "slug", "anonymity"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [TrackInline, TopicInline, DeadlineInline]


@admin.register(ProgramSession)
class ProgramSessionAdmin(admin.ModelAdmin):
    list_display = ["title", "conference", "kind", "starts_at", "ends_at", "room"]
    list_filter = ["conference", "kind"]


@admin.register(CommitteeMembership)
class CommitteeMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "conference", "role", "status", "max_load"]
    list_filter = ["conference", "role", "status"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "conference", "action", "object_repr"]
    list_filter = ["conference", "action"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
