from django.contrib import admin

from questions.study.models import Attempt, ReviewCard
from questions.validation import BoundedSearchAdmin

# --- Users' data: read-only but for superusers --------------------------------------------------


class SuperuserEditsOnly:
    """Attempts and cards are what users did; editors may look, only superusers may touch."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Attempt)
class AttemptAdmin(SuperuserEditsOnly, BoundedSearchAdmin, admin.ModelAdmin):
    list_display = ["question", "user", "rating", "coverage", "mode", "created_at"]
    list_filter = ["rating", "mode"]
    list_select_related = ["question", "user"]
    search_fields = ["question__title", "user__username"]
    raw_id_fields = ["user", "question"]
    date_hierarchy = "created_at"


@admin.register(ReviewCard)
class ReviewCardAdmin(SuperuserEditsOnly, BoundedSearchAdmin, admin.ModelAdmin):
    list_display = ["question", "user", "state", "due", "reps", "lapses", "suspended"]
    list_filter = ["state", "suspended"]
    list_select_related = ["question", "user"]
    search_fields = ["question__title", "user__username"]
    raw_id_fields = ["user", "question"]
