from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from questions.bank.exporting import FORMATS, export, questions_to_export
from questions.bank.models import Topic


class Command(BaseCommand):
    help = (
        "Write the bank (or one topic) in bank order as JSON (every field) or markdown (the seed "
        "document's format plus one metadata comment per question), to standard output or "
        "-o FILE. import_questions reads both: importing the output into an empty database and "
        "exporting again gives the same bytes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="json")
        parser.add_argument("--topic", metavar="SLUG", help="Only this topic's questions.")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here, not to stdout.")

    def handle(self, *args, **options):
        topic = None
        if options["topic"]:
            topic = Topic.objects.filter(slug=options["topic"]).first()
            if topic is None:
                raise CommandError(f"unknown topic slug {options['topic']!r}")
        questions = list(questions_to_export(topic))
        text = export(questions, options["format"])
        if options["output"]:
            # newline="" keeps the bytes the same on every platform.
            with Path(options["output"]).open("w", encoding="utf-8", newline="") as file:
                file.write(text)
            self.stdout.write(f"exported {len(questions)} questions to {options['output']}")
        else:
            self.stdout.write(text, ending="")
