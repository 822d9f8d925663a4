from django.core.management.base import BaseCommand
from django.utils import timezone

from questions.study import recordings
from questions.study.tasks import sweep_recordings


class Command(BaseCommand):
    help = (
        "Remove orphaned recordings: those kept with a reveal or a mock answer that no attempt "
        "took within a day (the screen was left without a grade), with their files, and files "
        "in the recordings storage that no recording names and are older than a day. Queues "
        "the sweep for a worker; --now runs it here; --dry-run counts and removes nothing. "
        "Run it daily (cron, a scheduler)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Sweep here, not on a worker.")
        parser.add_argument("--dry-run", action="store_true", help="Count, remove nothing.")

    def handle(self, *args, now=False, dry_run=False, **options):
        if dry_run or now:
            rows, strays = recordings.sweep(timezone.now(), dry_run=dry_run)
            verb = "would remove" if dry_run else "removed"
            self.stdout.write(f"{verb} {rows} orphaned recordings and {strays} stray files")
            return
        result = sweep_recordings.enqueue()
        self.stdout.write(f"sweep queued: task {result.id}")
