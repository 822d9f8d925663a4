"""Near-duplicate questions: which other questions say nearly the same thing.

A question is reduced to a set of shingles taken from its prompt, answer and key points: the
character bigrams of its Chinese text (no word segmenter needed) and the words of its Latin
text. Two questions are as similar as the Jaccard index of their shingle sets, a number that
needs no statistics about the rest of the bank, so recomputing one question gives the same
scores as recomputing all of them.

Two ways to compute, neither on a page view:

- find_all_similar() compares the whole bank without comparing every pair: questions are
  indexed by their rarest shingles (prefix filtering), and each one scores only the few
  questions that share most of those (scripts/bench_similarity.py measures it on 10,000);
- update_for_question() runs after a question or its key points are saved (on commit): the
  database picks candidates that contain some of the question's shingles, and only those are
  scored.

Results are stored in SimilarQuestion, the best TOP_N per question, in both directions.
"""

import heapq
import logging
import math
import re
import unicodedata
import zlib
from collections import Counter, defaultdict

from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from questions.bank import answers
from questions.bank.models import KeyPoint, Question, SimilarQuestion

logger = logging.getLogger(__name__)

# The changelist filter "has near-duplicates" and the admin's warning use this. On the bundled
# bank the four known duplicate pairs score 0.54 to 0.76 and the best match of any other
# question at most 0.41, except 23 and 28 (0.54), which are near-duplicates too.
NEAR_DUPLICATE_THRESHOLD = 0.5
# Scores below this are not stored: such questions merely share a topic.
MIN_SCORE = 0.2
# When the whole bank is compared, what one question may cost at most (see similar_pairs):
# how many index entries it reads, and how many candidates it scores.
PROBE_POSTINGS = 300
SCORED_CANDIDATES = 25
# How many of its most similar questions are stored for each question.
TOP_N = 5

# On save, the database ranks the other questions by how many of PROBES shingles of the saved
# question their answers contain, and the best CANDIDATES of them are scored exactly.
PROBES = 12
CANDIDATES = 200
BATCH_SIZE = 1000
# After an import of more than PER_QUESTION_LIMIT questions the whole bank is compared once,
# by a worker (questions/bank/tasks.py), whatever its size.
PER_QUESTION_LIMIT = 25

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"([{_HAN}]+)|([^\W_]+)")
# Function words split a Han run, so no bigram straddles "的" in "良好的泛化": such bigrams
# pair halves of different words and would make unrelated questions look alike.
_HAN_FUNCTION_TEXT = """
    可以 能够 通过 因为 所以 从而 因此 已经 这些 那些 这个 那个 它们 我们 一个 一些 进行 以及
    例如 比如 如果 可能 通常 就是 但是 而且 并且 或者 其中 什么 如何 怎么 需要 对于
    的 了 和 与 及 或 是 在 把 被 将 等 也 都 而 并 其 之 这 那 个 中 为
"""
_HAN_BREAKS = re.compile("|".join(sorted(_HAN_FUNCTION_TEXT.split(), key=len, reverse=True)))
_LATIN_STOP_TEXT = """
    a an the and or of to in on at by for with from is are was were be been it its this that
    these those as if then than so not no can could may might will would should do does did
    what which who how why when where there their they them we you your our
"""
_LATIN_STOP_WORDS = frozenset(_LATIN_STOP_TEXT.split())


# --- Shingles -----------------------------------------------------------------------------------


def shingles(text):
    """The set of character bigrams (Han) and words (other scripts) of a text."""
    text = unicodedata.normalize("NFKC", text).casefold()
    result = set()
    for han, latin in _TOKEN.findall(text):
        if han:
            for piece in _HAN_BREAKS.split(han):
                result.update(piece[i : i + 2] for i in range(len(piece) - 1))
        elif len(latin) > 1 and latin not in _LATIN_STOP_WORDS:
            result.add(latin)
    return result


def document_text(prompt, answer, key_points):
    """What is compared: the prompt, the answer and each key point's label and detail."""
    parts = [prompt, answer]
    parts.extend(f"{label}\n{detail}" for label, detail in key_points)
    return "\n".join(parts)


def jaccard(first, second):
    if not first or not second:
        return 0.0
    common = len(first & second)
    return common / (len(first) + len(second) - common)


# What a question's document needs besides its key points: the prompt, then the fields of
# answers.reference_answer() (plain values: a model instance per question costs more).
ANSWER_FIELDS = ["prompt", "answer", "answer_closing", "compose_key_points", "language"]


def load_documents(question_ids=None):
    """{question id: shingle set}, for all questions or the given ones.

    Queries: the questions, then their key points (per BATCH_SIZE ids when ids are given).
    """
    texts, points = {}, defaultdict(list)
    if question_ids is None:
        rows = Question.objects.values_list("id", *ANSWER_FIELDS).order_by("id")
        texts = {pk: fields for pk, *fields in rows.iterator(chunk_size=2000)}
        point_rows = KeyPoint.objects.order_by("question_id", "position").values_list(
            "question_id", "label", "detail"
        )
        for question_id, label, detail in point_rows.iterator(chunk_size=5000):
            points[question_id].append((label, detail))
    else:
        ids = list(question_ids)
        for start in range(0, len(ids), BATCH_SIZE):
            batch = ids[start : start + BATCH_SIZE]
            rows = Question.objects.filter(pk__in=batch).values_list("id", *ANSWER_FIELDS)
            texts.update((pk, fields) for pk, *fields in rows)
            point_rows = (
                KeyPoint.objects.filter(question_id__in=batch)
                .order_by("question_id", "position")
                .values_list("question_id", "label", "detail")
            )
            for question_id, label, detail in point_rows:
                points[question_id].append((label, detail))
    return {
        pk: frozenset(
            shingles(
                document_text(
                    fields[0], answers.reference_answer(*fields[1:], points[pk]), points[pk]
                )
            )
        )
        for pk, fields in texts.items()
    }


# --- The whole bank -----------------------------------------------------------------------------


def similar_pairs(documents, threshold):
    """Yield (id, other id, score) once for pairs whose Jaccard index is >= threshold.

    Prefix filtering: with every question's shingles sorted rarest first (in the bank), two
    questions whose index is at least t share a shingle among the first |x| - ceil(t*|x|) + 1
    of each, so only those prefixes are indexed; the common shingles that every question of a
    topic shares never make candidates. Shingles of one question only are shared with nobody
    and left out.

    Exact up to a cost: a question looks up the questions indexed under its rarest prefix
    shingles until it has seen PROBE_POSTINGS of them, and scores the SCORED_CANDIDATES that
    share most of those shingles with it. Near-duplicates share most of their rare shingles,
    so they always come first; only pairs that share little but common words can be missed,
    and in a bank of at most SCORED_CANDIDATES + 1 questions nothing is.
    """
    threshold = max(threshold, 1e-9)  # a zero threshold would make every pair a candidate
    frequency = Counter(shingle for shingle_set in documents.values() for shingle in shingle_set)
    rank = {
        shingle: number
        for number, (_, shingle) in enumerate(
            sorted((count, shingle) for shingle, count in frequency.items() if count > 1)
        )
    }
    ordered = sorted(
        (
            (len(shingle_set), key, shingle_set)
            for key, shingle_set in documents.items()
            if shingle_set
        ),
        key=lambda document: document[:2],
    )
    index = defaultdict(list)
    for position, (size, key, mine) in enumerate(ordered):
        shared = sorted(rank[shingle] for shingle in mine if shingle in rank)
        prefix = len(shared) - math.ceil(threshold * size - 1e-9) + 1
        counts, probed = Counter(), 0
        for token in shared[:prefix]:
            postings = index[token]
            if probed < PROBE_POSTINGS:
                counts.update(postings)
                probed += len(postings)
            postings.append(position)
        # Questions are visited smallest first; a smaller one below this size cannot reach t.
        min_size = threshold * size
        for other, _ in counts.most_common(SCORED_CANDIDATES):
            other_size, other_key, theirs = ordered[other]
            if other_size < min_size:
                continue
            common = len(mine & theirs)
            score = common / (size + other_size - common)
            if score >= threshold:
                yield key, other_key, score


def top_matches(pairs, top_n):
    """{id: [(score, other id), …] best first}, at most top_n each, from undirected pairs."""
    best = defaultdict(list)
    for first, second, score in pairs:
        for key, other in ((first, second), (second, first)):
            heap = best[key]
            # Ties go to the lower id, so results do not depend on the visiting order.
            item = (score, -other)
            if len(heap) < top_n:
                heapq.heappush(heap, item)
            elif item > heap[0]:
                heapq.heapreplace(heap, item)
    return {
        key: [(score, -negative) for score, negative in sorted(heap, reverse=True)]
        for key, heap in best.items()
    }


def stored_rows(matches):
    """Both directions of every top match, as {(question id, other id): score}."""
    rows = {}
    for key, found in matches.items():
        for score, other in found:
            rows[key, other] = score
            rows[other, key] = score
    return rows


def find_all_similar(*, threshold=MIN_SCORE, top_n=TOP_N, documents=None):
    """Recompute every question's similar questions and replace what is stored.

    Returns the number of rows stored. Queries: loading the bank (two), one delete, and one
    insert per BATCH_SIZE rows.
    """
    if documents is None:
        documents = load_documents()
    matches = top_matches(similar_pairs(documents, threshold), top_n)
    rows = stored_rows(matches)
    now = timezone.now()
    with transaction.atomic():
        SimilarQuestion.objects.all().delete()
        SimilarQuestion.objects.bulk_create(
            (
                SimilarQuestion(question_id=key, other_id=other, score=score, computed_at=now)
                for (key, other), score in sorted(rows.items())
            ),
            batch_size=BATCH_SIZE,
        )
    return len(rows)


# --- One question -------------------------------------------------------------------------------


def _probes(shingle_set):
    """A few of the question's shingles, the same ones every time (a bottom-k sample)."""
    return sorted(shingle_set, key=lambda shingle: zlib.crc32(shingle.encode()))[:PROBES]


def _candidate_ids(question_id, shingle_set):
    """The other questions whose texts contain most of the probes; one query, counted in SQL.

    It reads every search text (all of a question's texts, casefolded, as are the probes), the
    cost of an update on save (scripts/bench_similarity.py). The ranking only has to put
    near-duplicates among the first CANDIDATES.
    """
    probes = _probes(shingle_set)
    if not probes:
        return []
    # One CASE per probe, added up: how many of the probes each answer contains.
    hits = sum(
        (
            Case(
                When(
                    GreaterThan(StrIndex("search_text", Value(probe.casefold())), 0), then=Value(1)
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
            for probe in probes
        ),
        start=Value(0),
    )
    # No filter on hits: in the WHERE clause the sum would be computed a second time.
    ranked = (
        Question.objects.exclude(pk=question_id)
        .annotate(hits=hits)
        .order_by("-hits", "id")
        .values_list("id", "hits")[:CANDIDATES]
    )
    return [pk for pk, count in ranked if count]


def update_for_question(question_id, *, threshold=MIN_SCORE, top_n=TOP_N):
    """Recompute one question's similar questions against the rest of the bank.

    Replaces the rows that involve the question in either direction: its best top_n, stored
    both ways, and for questions that listed it before, their row with its new score. The
    search runs before the write transaction, which (on SQLite) holds the database's lock.
    """
    involving = SimilarQuestion.objects.filter(Q(question_id=question_id) | Q(other_id=question_id))
    listed_by = set(
        SimilarQuestion.objects.filter(other_id=question_id).values_list("question_id", flat=True)
    )
    mine = load_documents([question_id]).get(question_id)
    if mine is None:  # deleted meanwhile; its rows went with it
        involving.delete()
        return 0
    candidates = set(_candidate_ids(question_id, mine)) | listed_by
    documents = load_documents(candidates)
    scores = {other: jaccard(mine, theirs) for other, theirs in documents.items()}
    best = sorted(
        ((score, other) for other, score in scores.items() if score >= threshold),
        key=lambda item: (-item[0], item[1]),
    )[:top_n]
    rows = stored_rows({question_id: best})
    for other in listed_by:
        if other in scores and scores[other] >= threshold:
            rows[other, question_id] = scores[other]
    now = timezone.now()
    with transaction.atomic():
        involving.delete()
        # ignore_conflicts: a concurrent update of a neighbour may have stored the same pair.
        SimilarQuestion.objects.bulk_create(
            [
                SimilarQuestion(question_id=key, other_id=other, score=score, computed_at=now)
                for (key, other), score in sorted(rows.items())
            ],
            ignore_conflicts=True,
        )
    return len(rows)


# --- Recomputing after saves --------------------------------------------------------------------


def schedule_updates(question_ids):
    """Recompute after commit (edits.questions_changed() calls this): question by question for
    a few, else the whole bank by a worker (a failure is a FailedTask for editors). However
    many writes of one transaction report a question, it is scored once."""
    for _savepoints, pending, *_robust in transaction.get_connection().run_on_commit:
        if isinstance(pending, _ScoresAfterCommit) and not pending.done:
            pending.ids.update(question_ids)
            return
    pending = _ScoresAfterCommit(question_ids)
    transaction.on_commit(pending)


class _ScoresAfterCommit:
    """The questions whose scores one transaction's writes changed, recomputed at its commit."""

    def __init__(self, question_ids):
        self.ids = set(question_ids)
        self.done = False

    def __call__(self):
        from questions.bank.tasks import find_similar_questions  # the tasks import this module

        self.done = True
        if len(self.ids) > PER_QUESTION_LIMIT:
            find_similar_questions.enqueue()
            return
        for question_id in sorted(self.ids):
            _update_quietly(question_id)


def _update_quietly(question_id):
    # The save this follows is committed already: a failure here must not turn it into an
    # error page. The scores are derived data; find_similar_questions recomputes them all.
    try:
        update_for_question(question_id)
    except Exception:
        logger.exception("similarity update failed question_id=%s", question_id)
