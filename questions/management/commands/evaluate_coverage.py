from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from questions.bank.models import Question
from questions.study.coverage.evaluation import (
    LabelledFileError,
    Tally,
    evaluate,
    read_labelled,
)


class Command(BaseCommand):
    help = (
        "Measure the key-point coverage estimate on hand-labelled attempts: FILE.json holds "
        '{"items": [{"q": N, "kind": "...", "covered": [1, 3], "attempt": "..."}]}, where q is '
        "a question's number in its bank and covered the numbers of the key points a fair "
        "interviewer would tick. Prints micro precision, recall and F1 over (attempt, key point) "
        "pairs and the attempts ticked exactly as labelled, overall and per kind. The key points "
        "come from the database (the question whose external key is SOURCE:N), or with --bank "
        "from a bank file. Writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE.json")
        parser.add_argument(
            "--bank",
            metavar="FILE",
            help="Read the key points from this bank file (markdown or JSON) instead.",
        )
        parser.add_argument(
            "--source",
            default="pretrained-models",
            help="The source of the questions in the database (default: pretrained-models).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            items = read_labelled(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file ({error.strerror})") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: the file is not UTF-8 text") from None
        except LabelledFileError as error:
            raise CommandError(f"{path}: {error}") from None
        numbers = {item.question for item in items}
        if options["bank"]:
            points = self._points_from_file(Path(options["bank"]))
        else:
            points = self._points_from_database(options["source"], numbers)
        try:
            report = evaluate(items, points.get)
        except LabelledFileError as error:
            raise CommandError(f"{path}: {error}") from None

        judgements = sum(len(points[number]) for number in (item.question for item in items))
        self.stdout.write(f"{path.name}: {len(items)} attempts, {judgements} key-point judgements")
        self.stdout.write(
            f"{'kind':<14}{'attempts':>9}{'precision':>11}{'recall':>8}"
            f"{'F1':>7}{'exact':>9}{'TP':>6}{'FP':>5}{'FN':>5}"
        )
        self._row("all", report.overall)
        for kind in sorted(report.by_kind):
            self._row(kind or "(no kind)", report.by_kind[kind])

    def _row(self, name: str, tally: Tally):
        exact = f"{tally.exact}/{tally.attempts}"
        self.stdout.write(
            f"{name:<14}{tally.attempts:>9}{tally.precision:>11.3f}{tally.recall:>8.3f}"
            f"{tally.f1:>7.3f}{exact:>9}{tally.true_positives:>6}{tally.false_positives:>5}"
            f"{tally.false_negatives:>5}"
        )

    def _points_from_database(self, source: str, numbers: set) -> dict:
        """One query for the questions, one for their key points."""
        keys = {f"{source}:{number}": number for number in numbers}
        questions = Question.objects.filter(external_key__in=keys).prefetch_related("key_points")
        return {
            keys[question.external_key]: [point.as_scored() for point in question.key_points.all()]
            for question in questions
        }

    def _points_from_file(self, path: Path) -> dict:
        # Imported here so that the command does not tie itself to where the importer lives.
        from questions.bank.importing import ImportFileError, parse_file

        try:
            parsed = parse_file(path, path.read_bytes())
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file ({error.strerror})") from None
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        return {question.position: question.key_points for question in parsed}
