import csv
import json

from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from questions import spreadsheets
from questions.study.models import (
    Attempt,
    AttemptMode,
    MockItem,
    Rating,
    point_results,
    profile_for,
)

EXPORT_CHUNK_SIZE = 2000


# --- Export -----------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "id",
    "answered_at",
    "question_key",
    "question_title",
    "topic",
    "mode",
    "rating",
    "grade",
    "coverage",
    "ticked",
    "missed",
    "hints_used",
    "time_spent_seconds",
    "answer",
    "recording_url",
    "recording_seconds",
]


UNGRADED = "ungraded"


def _export_rows(user, link):
    """Every attempt, oldest first, then every mock interview answer not graded yet, as plain
    dicts: one query each, read in chunks (a server-side cursor on PostgreSQL), so memory stays
    flat whatever the history's size.

    A spoken answer is exported as a link (`link` makes it absolute) that downloads the file
    for its owner, logged in: the files stay private and the export stays one stream."""
    yield from _attempt_rows(user, link)
    yield from _ungraded_mock_rows(user, link)


def _recording_columns(row, link):
    return {
        "recording_url": (
            link(reverse("questions:recording", args=[row["recording__id"]]) + "?download=1")
            if row["recording__id"]
            else None
        ),
        "recording_seconds": (
            round(row["recording__duration"].total_seconds(), 3)
            if row["recording__duration"]
            else None
        ),
    }


def _ungraded_mock_rows(user, link):
    """A mock answer waits in its report until the learner grades it; until then it has no
    attempt, but its text and recording are the learner's work and are exported too: no id,
    rating or ticks, grade "ungraded", coverage the automatic estimate."""
    rows = (
        MockItem.objects.filter(session__user=user, answered_at__isnull=False, attempt__isnull=True)
        .order_by("answered_at", "id")
        .values(
            "answered_at",
            "started_at",
            "question__external_key",
            "question__title",
            "question__topic__name",
            "coverage",
            "text",
            "recording__id",
            "recording__duration",
        )
    )
    for row in rows.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        spent = row["answered_at"] - row["started_at"] if row["started_at"] else None
        yield {
            "id": None,
            "answered_at": row["answered_at"].isoformat(),
            "question_key": row["question__external_key"],
            "question_title": row["question__title"],
            "topic": row["question__topic__name"],
            "mode": AttemptMode.MOCK.value,
            "rating": None,
            "grade": UNGRADED,
            "coverage": row["coverage"],
            "ticked": [],
            "missed": [],
            "hints_used": 0,
            "time_spent_seconds": round(spent.total_seconds(), 3) if spent else None,
            "answer": row["text"],
            **_recording_columns(row, link),
        }


def _attempt_rows(user, link):
    rows = (
        Attempt.objects.for_user(user)
        .order_by("created_at", "id")
        .values(
            "id",
            "created_at",
            "question__external_key",
            "question__title",
            "question__topic__name",
            "mode",
            "rating",
            "coverage",
            "ticked",
            "key_points_snapshot",
            "hints_used",
            "time_spent",
            "text",
            "recording__id",
            "recording__duration",
        )
    )
    for row in rows.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield {
            "id": row["id"],
            "answered_at": row["created_at"].isoformat(),
            "question_key": row["question__external_key"],
            "question_title": row["question__title"],
            "topic": row["question__topic__name"],
            "mode": row["mode"],
            "rating": row["rating"],
            "grade": Rating(row["rating"]).name.lower(),
            "coverage": row["coverage"],
            "ticked": list(row["ticked"] or []),
            "missed": [
                point.position
                for point in point_results(row["key_points_snapshot"], row["ticked"])
                if not point.ticked
            ],
            "hints_used": row["hints_used"],
            "time_spent_seconds": (
                round(row["time_spent"].total_seconds(), 3) if row["time_spent"] else None
            ),
            "answer": row["text"],
            **_recording_columns(row, link),
        }


def _export_filename(request, extension):
    today = timezone.now().astimezone(profile_for(request.user).zone).date()
    return f"interview-prep-history-{today.isoformat()}.{extension}"


def _attachment(content, content_type, filename):
    response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _Echo:
    """A file-like object whose write() returns the line, so csv.writer can feed a generator."""

    def write(self, value):
        return value


_TEXT_COLUMNS = ("question_key", "question_title", "topic", "answer")


def _csv_lines(user, link):
    writer = csv.writer(_Echo())
    # The byte order mark lets spreadsheet programs recognise UTF-8 (Chinese titles and answers).
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    for record in _export_rows(user, link):
        record["ticked"] = " ".join(map(str, record["ticked"]))
        record["missed"] = " ".join(map(str, record["missed"]))
        for column in _TEXT_COLUMNS:
            record[column] = spreadsheets.protect(record[column])
        yield writer.writerow([record[column] for column in EXPORT_COLUMNS])


@require_safe
@login_required
@never_cache
def export_csv(request):
    """Every attempt as CSV, streamed. Text cells that a spreadsheet would run as a formula get
    a leading apostrophe; the JSON export carries the exact text."""
    filename = _export_filename(request, "csv")
    lines = _csv_lines(request.user, request.build_absolute_uri)
    return _attachment(lines, "text/csv; charset=utf-8", filename)


def _json_chunks(user, exported_at, link, batch_size=200):
    header = {
        "format": "interview-prep-history",
        "version": 1,
        "user": user.get_username(),
        "exported_at": exported_at.isoformat(),
    }
    # The header object without its closing brace, then the attempts array written row by row.
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "attempts": ['
    batch, separator = [], "\n"
    for record in _export_rows(user, link):
        batch.append(separator + json.dumps(record, ensure_ascii=False))
        separator = ",\n"
        if len(batch) >= batch_size:
            yield "".join(batch)
            batch = []
    yield "".join(batch) + "\n]}\n"


@require_safe
@login_required
@never_cache
def export_json(request):
    filename = _export_filename(request, "json")
    chunks = _json_chunks(request.user, timezone.now(), request.build_absolute_uri)
    return _attachment(chunks, "application/json; charset=utf-8", filename)
