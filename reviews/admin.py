from django.contrib import admin

from reviews.models import Assignment, Conflict


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["submission", "user", "kind", "source", "overridden"]
    list_filter = ["kind", "source", "overridden"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["submission", "reviewer", "created_at"]
