from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import Affiliation, Publication, Relation, User


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0


class PublicationInline(admin.TabularInline):
    model = Publication
    extra = 0


class RelationInline(admin.TabularInline):
    model = Relation
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_student", "is_staff"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Profile",
            {
                "fields": [
                    "full_name",
                    "is_student",
                    "orcid",
                    "dblp_url",
                    "semantic_scholar_url",
                    "openreview_url",
                    "keywords",
                    "topics",
                ]
            },
        ),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})
    ]
    inlines = [AffiliationInline, PublicationInline, RelationInline]
    filter_horizontal = ["topics", "groups", "user_permissions"]
