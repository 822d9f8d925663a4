from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("Question bank")

    def ready(self):
        # Registers the system checks and connects the signal receivers.
        from questions import checks  # noqa: F401
        from questions.accounts import signals as account_signals  # noqa: F401
        from questions.bank import tasks as bank_tasks  # noqa: F401 (record_failure)
