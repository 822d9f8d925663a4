"""Where Django's admin finds the app's registrations: the bank's editors' admin and the
superusers' view of learners' data each live in their subpackage."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from questions.bank import admin as bank_admin  # noqa: F401
from questions.bank import (
    admin_reports,  # noqa: F401
    task_admin,  # noqa: F401
)
from questions.study import admin as study_admin  # noqa: F401

# The admin is the product's editors' workspace: its header and titles name the product.
admin.site.site_header = gettext_lazy("Interview Prep editors")
admin.site.site_title = gettext_lazy("Interview Prep editors")
admin.site.index_title = gettext_lazy("Question bank and learners' records")
