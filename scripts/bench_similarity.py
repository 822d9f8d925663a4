"""Measure the near-duplicate finder on a generated bank (10,000 questions by default).

    .venv/bin/python scripts/bench_similarity.py [--questions 10000] [--no-database]
                                                 [--database-only]

First the pure computation: shingling, then finding every pair above the threshold with
prefix filtering, compared with how many pairs a full comparison would score; planted
near-duplicates check that the pruning loses nothing. Then, unless --no-database, the same
bank in a throwaway SQLite database: `find_similar_questions` end to end and the update that
runs after one question is saved. It prints figures and asserts nothing about time.
"""

import argparse
import itertools
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Common Han characters to build words from; the bank's vocabulary is Zipf-distributed, as
# real text is, so some shingles are in nearly every question and most are rare.
HAN = [chr(code) for code in range(0x4E00, 0x4E00 + 1500)]


def generate(count, seed=1):
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choices(HAN, k=rng.choice((2, 2, 3, 4)))) for _ in range(4000)]
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))

    def sentence(words):
        return "".join(rng.choices(vocabulary, cum_weights=cumulative, k=words)) + "。"

    questions, planted = [], {}
    for number in range(count):
        if number > 10 and rng.random() < 0.05:
            # A near-duplicate of an earlier question: a tenth of its sentences rewritten.
            original = rng.randrange(number)
            prompt, answer, points = questions[original]
            points = [
                (label, sentence(12) if rng.random() < 0.1 else detail) for label, detail in points
            ]
            answer = "\n".join(
                f"{i}. **{label}：** {detail}" for i, (label, detail) in enumerate(points, 1)
            )
            questions.append((prompt, answer, points))
            planted[number] = original
            continue
        points = [(sentence(2), sentence(12)) for _ in range(rng.randint(3, 6))]
        answer = "\n".join(
            f"{i}. **{label}：** {detail}" for i, (label, detail) in enumerate(points, 1)
        )
        questions.append((sentence(8), answer, points))
    return questions, planted


def timed(label, function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def pure(questions, planted, similarity):
    documents = timed(
        "shingling",
        lambda: {
            number: frozenset(similarity.shingles(similarity.document_text(*question)))
            for number, question in enumerate(questions)
        },
    )
    sizes = sorted(len(shingles) for shingles in documents.values())
    print(f"shingles per question: median {sizes[len(sizes) // 2]}, max {sizes[-1]}")
    pairs = timed(
        f"pairs with Jaccard >= {similarity.MIN_SCORE} (prefix filtering)",
        lambda: list(similarity.similar_pairs(documents, similarity.MIN_SCORE)),
    )
    count = len(documents)
    print(f"pairs found: {len(pairs)} (a full comparison scores {count * (count - 1) // 2})")
    timed("top matches", similarity.top_matches, pairs, similarity.TOP_N)
    found = {(min(a, b), max(a, b)) for a, b, _ in pairs}
    near = [
        (min(copy, original), max(copy, original))
        for copy, original in planted.items()
        if similarity.jaccard(documents[copy], documents[original])
        >= similarity.NEAR_DUPLICATE_THRESHOLD
    ]
    missed = sum(1 for pair in near if pair not in found)
    print(
        f"planted near-duplicates (Jaccard >= {similarity.NEAR_DUPLICATE_THRESHOLD}): "
        f"{len(near)}, missed: {missed}"
    )


def setup_django():
    """Django on a throwaway SQLite file, whatever DATABASE_URL says."""
    directory = tempfile.mkdtemp(prefix="bench-similarity-")
    os.environ["DJANGO_SQLITE_PATH"] = str(Path(directory) / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "interview_prep.settings"
    import django

    django.setup()


def with_database(questions, similarity):
    from django.core.management import call_command
    from django.db import connection

    from questions.bank.models import KeyPoint, Question, SimilarQuestion, Topic

    call_command("migrate", verbosity=0)
    topic = Topic.objects.create(name="Bench", slug="bench")
    rows = Question.objects.bulk_create(
        (
            Question(
                topic=topic,
                title=prompt[:40],
                prompt=prompt,
                answer=answer,
                external_key=f"bench:{number}",
                position=number,
            )
            for number, (prompt, answer, _) in enumerate(questions)
        ),
        batch_size=1000,
    )
    KeyPoint.objects.bulk_create(
        (
            KeyPoint(question=row, position=position, label=label, detail=detail)
            for row, (_, _, points) in zip(rows, questions, strict=True)
            for position, (label, detail) in enumerate(points, 1)
        ),
        batch_size=2000,
    )
    print(f"\nSQLite database with {Question.objects.count()} questions")
    stored = timed("find_similar_questions (load, compute, store)", similarity.find_all_similar)
    print(f"rows stored: {stored}")
    sample = random.Random(2).sample([row.pk for row in rows], 20)
    start = time.perf_counter()
    for pk in sample:
        similarity.update_for_question(pk)
    average = (time.perf_counter() - start) / len(sample)
    print(f"update after saving one question: {average * 1000:.0f} ms on average")
    print(f"rows stored now: {SimilarQuestion.objects.count()}")
    connection.close()
    Path(os.environ["DJANGO_SQLITE_PATH"]).unlink(missing_ok=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--no-database", action="store_true")
    parser.add_argument("--database-only", action="store_true")
    arguments = parser.parse_args()

    setup_django()
    from questions.bank import similarity

    questions, planted = timed(
        f"generating {arguments.questions} questions", generate, arguments.questions
    )
    if not arguments.database_only:
        pure(questions, planted, similarity)
    if not arguments.no_database:
        with_database(questions, similarity)


if __name__ == "__main__":
    main()
