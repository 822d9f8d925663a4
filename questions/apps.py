from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _restore_change_counters(using, **kwargs):
    # A migration that rebuilt a counted table on SQLite dropped its triggers.
    from questions import changes

    connection = connections[using]
    if changes.BANK in connection.introspection.table_names():
        changes.install(connection)


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("Question bank")

    def ready(self):
        # Registers the system checks and connects the signal receivers.
        from questions import checks  # noqa: F401
        from questions.accounts import signals as account_signals  # noqa: F401
        from questions.bank import tasks as bank_tasks  # noqa: F401 (record_failure)

        post_migrate.connect(_restore_change_counters, sender=self)
