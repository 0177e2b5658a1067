from django.contrib import admin

from submissions.models import Authorship, Submission, SubmissionFile


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0


class SubmissionFileInline(admin.TabularInline):
    model = SubmissionFile
    extra = 0
    readonly_fields = ["kind", "revision", "original_name", "sha256", "size", "uploaded_at"]
    fields = readonly_fields


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "conference", "track", "state", "format_verdict"]
    list_filter = ["conference", "track", "state", "format_verdict"]
    search_fields = ["title", "authorships__name", "authorships__email"]
    inlines = [AuthorshipInline, SubmissionFileInline]
