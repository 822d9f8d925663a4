import time

from django.core.management.base import BaseCommand, CommandError

from questions.bank import similarity
from questions.bank.models import SimilarQuestion


def _score(value):
    try:
        score = float(value)
    except ValueError:
        raise CommandError(f"--threshold must be a number, not {value!r}") from None
    if not 0 < score <= 1:
        raise CommandError("--threshold must be above 0 and at most 1")
    return score


class Command(BaseCommand):
    help = (
        "Find near-duplicate questions in the whole bank and replace the stored results: for "
        "every question, its --top most similar other questions scoring at least --threshold "
        "(the Jaccard index of the character bigrams and words of prompt, answer and key "
        "points), stored in both directions. Saving a question in the admin updates that "
        f"question alone; run this after bulk imports. A score of "
        f"{similarity.NEAR_DUPLICATE_THRESHOLD} or more counts as a near-duplicate."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--threshold",
            type=_score,
            default=similarity.MIN_SCORE,
            help=f"Lowest score stored (default {similarity.MIN_SCORE}).",
        )
        parser.add_argument(
            "--top",
            type=int,
            default=similarity.TOP_N,
            metavar="N",
            help=f"Most similar questions kept per question (default {similarity.TOP_N}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Compute and report, but store nothing."
        )

    def handle(self, *args, **options):
        if options["top"] < 1:
            raise CommandError("--top must be 1 or more")
        start = time.perf_counter()
        documents = similarity.load_documents()
        if options["dry_run"]:
            matches = similarity.top_matches(
                similarity.similar_pairs(documents, options["threshold"]), options["top"]
            )
            stored = len(similarity.stored_rows(matches))
        else:
            stored = similarity.find_all_similar(
                threshold=options["threshold"], top_n=options["top"], documents=documents
            )
        elapsed = time.perf_counter() - start
        self.stdout.write(
            f"compared {len(documents)} questions in {elapsed:.1f} s: "
            f"{stored} similar pairs (both directions)"
        )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was stored.")
        else:
            near = (
                SimilarQuestion.objects.filter(score__gte=similarity.NEAR_DUPLICATE_THRESHOLD)
                .values("question")
                .distinct()
                .count()
            )
            self.stdout.write(f"{near} questions have a near-duplicate")
