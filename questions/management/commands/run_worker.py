"""Run a worker for the configured task backend (settings.TASKS_BACKEND)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run the background tasks (imports, near-duplicate scores, mail) of the configured "
        "backend: `db_worker` for the database backend, `rqworker` for Redis. Run as many as "
        "you like on any machine that reaches the same database (and Redis); each task runs "
        "once. --batch runs what is queued, then exits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Run the tasks already queued, then exit."
        )

    def handle(self, *, batch, verbosity, **options):
        queues = settings.TASKS["default"]["QUEUES"]
        if settings.TASKS_BACKEND == "database":
            # No autoreload: a reloading worker is a parent and a child, and stopping the parent
            # (as `make run` does when the server stops) would leave the child running.
            call_command(
                "db_worker",
                queue_name=",".join(queues),
                batch=batch,
                reload=False,
                verbosity=verbosity,
            )
        elif settings.TASKS_BACKEND == "rq":
            call_command(
                "rqworker",
                *queues,
                job_class="django_tasks_rq.backend.Job",
                burst=batch,
                verbosity=verbosity,
            )
        else:
            raise CommandError(
                f"DJANGO_TASKS_BACKEND={settings.TASKS_BACKEND} runs each task at once: "
                "there is no queue for a worker"
            )
