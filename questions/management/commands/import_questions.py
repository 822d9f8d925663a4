from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from questions.bank import similarity
from questions.bank.importing.apply import apply_plan
from questions.bank.importing.parse import read_files
from questions.bank.importing.plan import plan_import, summary_line
from questions.bank.importing.records import BATCH_SIZE, ImportFileError
from questions.bank.models import Question
from questions.bank.importing import CREATE, UPDATE


class Command(BaseCommand):
    help = (
        "Import questions from markdown files in the seed document's format (### 题目 N: title, "
        "**题目：**, **答案：**, **解析：**) or from JSON written by export_questions; the format "
        "comes from the extension (.md/.markdown/.txt, .json), else from the content. A question "
        "is known by its external key, <source>:<N> unless the file gives one: new keys are "
        "created, known ones updated (key points by position), nothing is deleted. --topic, "
        "--source and --language apply to every question; without them the file says, else the "
        "source and topic are the file name and the language is zh-hans for CJK text, else en. "
        "Every file is checked before anything is written, and all are imported in one "
        "transaction: any error (reported as PATH:LINE: problem) imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Markdown or JSON files.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )
        parser.add_argument("--topic", metavar="NAME", help="Put every question in this topic.")
        parser.add_argument(
            "--topic-slug", metavar="SLUG", help="The slug for --topic if it is created."
        )
        parser.add_argument(
            "--source", metavar="LABEL", help="Source label and key prefix (default: file stem)."
        )
        parser.add_argument("--language", metavar="CODE", help="e.g. zh-hans or en.")

    def handle(self, *args, **options):
        if options["topic_slug"] and not options["topic"]:
            raise CommandError("--topic-slug needs --topic")
        try:
            parsed = read_files(
                options["paths"],
                source=options["source"],
                topic=options["topic"],
                topic_slug=options["topic_slug"],
                language=options["language"],
            )
            # Planning reads what applying writes: both in one transaction.
            with transaction.atomic():
                plan = plan_import(parsed)
                if options["dry_run"]:
                    counts = plan.counts
                else:
                    counts = apply_plan(plan, progress=self.progress(len(parsed)))
                    similarity_done = self.update_similarity(plan)
        except ImportFileError as error:
            raise CommandError(str(error)) from error

        if options["verbosity"] >= 2:
            for item in plan.items:
                if item.action in (CREATE, UPDATE):
                    fields = f": {', '.join(item.changes)}" if item.changes else ""
                    self.stdout.write(f"{item.action} {item.parsed.external_key}{fields}")
        self.stdout.write(summary_line(counts))
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
        elif not similarity_done:
            self.stdout.write("Run find_similar_questions to refresh the near-duplicate scores.")

    def update_similarity(self, plan):
        """Bulk writes send no signals: recompute near-duplicates of what changed, after commit."""
        keys = [item.parsed.external_key for item in plan.items if item.action in (CREATE, UPDATE)]
        if not keys:
            return True
        changed = Question.objects.filter(external_key__in=keys).values_list("pk", flat=True)
        return similarity.schedule_updates_after_import(changed)

    def progress(self, total):
        if total < BATCH_SIZE:
            return None

        def report(done, total):
            self.stderr.write(f"{done} of {total} questions processed")

        return report
