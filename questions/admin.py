"""Where Django's admin finds the app's registrations: the bank's editors' admin and the
superusers' view of learners' data each live in their subpackage."""

from questions.bank import admin as bank_admin  # noqa: F401
from questions.bank import (
    admin_reports,  # noqa: F401
    task_admin,  # noqa: F401
)
from questions.study import admin as study_admin  # noqa: F401
