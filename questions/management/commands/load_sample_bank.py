from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

import questions

SAMPLE_BANK = Path(questions.__file__).resolve().parent / "data" / "pretrained-models.md"


class Command(BaseCommand):
    help = (
        "Load the bundled sample bank (questions/data/pretrained-models.md: 30 questions on "
        "pre-trained models) into the topic 预训练模型 (slug pretrained-models). It creates the "
        "questions that are missing and leaves every existing one as it is, edited or not, "
        "listing those that differ from the file: running it again (make run, the container's "
        "start) never undoes an editor's change. To take the file's version on purpose, import "
        "it with import_questions (same options, without --skip-existing)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )

    def handle(self, *args, **options):
        call_command(
            "import_questions",
            str(SAMPLE_BANK),
            topic="预训练模型",
            topic_slug="pretrained-models",
            source="pretrained-models",
            language="zh-hans",
            skip_existing=True,
            dry_run=options["dry_run"],
            verbosity=options["verbosity"],
            stdout=self.stdout,
            stderr=self.stderr,
        )
