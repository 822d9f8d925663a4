from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from questions.bank.importing.parse import read_files
from questions.bank.importing.plan import plan_import, summary_line
from questions.bank.importing.records import (
    BATCH_SIZE,
    CREATE,
    UPDATE,
    ImportFileError,
    prepare,
)
from questions.bank.versions import apply_with_history


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
        "transaction: any error (reported as PATH:LINE: problem) imports nothing. Each change "
        "is in the questions' edit history, by the system, with the file names. "
        "--skip-existing creates the missing questions only and leaves every existing one as "
        "it is (load_sample_bank uses it, so that it never undoes an editor's change)."
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
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="Create what is missing; leave the questions that exist alone, and list them.",
        )

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
            prepare(parsed)
            # Planning reads what applying writes: both in one transaction, the questions it
            # changes locked until it commits.
            with transaction.atomic():
                plan = plan_import(parsed, for_update=not options["dry_run"])
                skipped = []
                if options["skip_existing"]:
                    skipped = [item for item in plan.items if item.action != CREATE]
                    plan.items = [item for item in plan.items if item.action == CREATE]
                if options["dry_run"]:
                    counts = plan.counts
                else:
                    names = ", ".join(Path(path).name for path in options["paths"])
                    counts = apply_with_history(
                        plan,
                        None,
                        f"{names} (manage.py import_questions)",
                        progress=self.progress(len(parsed)),
                    )
        except ImportFileError as error:
            raise CommandError(str(error)) from error

        if options["verbosity"] >= 2:
            for item in plan.items:
                if item.action in (CREATE, UPDATE):
                    fields = f": {', '.join(item.changes)}" if item.changes else ""
                    self.stdout.write(f"{item.action} {item.parsed.external_key}{fields}")
        self.stdout.write(summary_line(counts))
        if skipped:
            self.report_skipped(skipped)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")

    def report_skipped(self, skipped):
        differing = [item for item in skipped if item.action == UPDATE]
        self.stdout.write(
            f"skipped {len(skipped)} that exist already, {len(differing)} of them different "
            "from the file (edited since, or the file changed): left as they are"
        )
        for item in differing:
            self.stdout.write(f"  kept {item.parsed.external_key}: {', '.join(item.changes)}")
        if differing:
            self.stdout.write("Import the file without --skip-existing to take its version.")

    def progress(self, total):
        if total < BATCH_SIZE:
            return None

        def report(done, total):
            self.stderr.write(f"{done} of {total} questions processed")

        return report
