"""A learner's recordings over HTTP: played back to their owner only (with byte ranges, so a
browser can seek), deleted by them, and read from the forms that upload one (the practice
reveal and the mock answer post a `recording` file beside the typed answer)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from questions.study.recordings import Recording

UPLOAD_FIELD = "recording"
# One range, as browsers ask for media ("bytes=0-", "bytes=1000-1999", "bytes=-500").
_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


def checked_upload(request, *, replacing=None):
    """The request's recording, validated (Recording.validate_upload), or None when none was sent.
    Raises RecordingRejected."""
    upload = request.FILES.get(UPLOAD_FIELD)
    if upload is None:
        return None
    return Recording.validate_upload(upload, user=request.user, replacing=replacing)


def keep_with_reveal(request, question, reveal_token, now):
    """Keep the recording sent with a practice reveal, under the reveal's token (a second one
    for the same reveal replaces the first); None when none was sent."""
    upload = request.FILES.get(UPLOAD_FIELD)
    if upload is None:
        return None
    user = request.user
    replacing = Recording.objects.for_user(user).filter(reveal_token=reveal_token).first()
    checked = Recording.validate_upload(upload, user=user, replacing=replacing)
    return Recording.keep(
        checked,
        user=user,
        question=question,
        now=now,
        reveal_token=reveal_token,
        replacing=replacing,
    )


def _get_recording_for_user(request, pk):
    return get_object_or_404(Recording, pk=pk, user=request.user)


def _byte_range(header, size):
    """(start, end inclusive) for a satisfiable single range, None to send the whole file
    (no header, several ranges, a syntax we do not read), or "unsatisfiable"."""
    match = _RANGE_RE.match((header or "").strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0:
            return "unsatisfiable"
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def _private(response, recording):
    response["Accept-Ranges"] = "bytes"
    # The learner's own voice: never kept by a shared cache, nor on disk by the browser.
    response["Cache-Control"] = "private, no-store"
    response["ETag"] = f'"recording-{recording.pk}-{recording.size}"'
    return response


@require_safe
@login_required
def serve(request, pk):
    """The recording's bytes to its owner (404 for anyone else, as for one that is not there)."""
    recording = _get_recording_for_user(request, pk)
    wanted = _byte_range(request.headers.get("Range"), recording.size)
    if_range = request.headers.get("If-Range")
    if if_range and if_range != f'"recording-{recording.pk}-{recording.size}"':
        wanted = None
    if wanted == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{recording.size}"
        return _private(response, recording)
    try:
        stored = recording.open()
    except FileNotFoundError as error:
        raise Http404 from error
    filename = f"answer-{recording.pk}.{'ogg' if recording.content_type == 'audio/ogg' else 'webm'}"
    if wanted is None:
        response = FileResponse(
            stored,
            content_type=recording.content_type,
            as_attachment=request.GET.get("download") == "1",
            filename=filename,
        )
        response["Content-Length"] = recording.size
        return _private(response, recording)
    start, end = wanted
    with stored:
        stored.seek(start)
        body = stored.read(end - start + 1)
    response = HttpResponse(body, status=206, content_type=recording.content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{recording.size}"
    return _private(response, recording)


@require_POST
@login_required
def delete(request, pk):
    """Delete one recording (its file goes with it); the attempt stays."""
    recording = _get_recording_for_user(request, pk)
    attempt_id = recording.attempt_id
    recording.delete()
    messages.success(request, _("The recording is deleted."))
    if attempt_id:
        return redirect("questions:attempt", pk=attempt_id)
    return redirect("questions:history")
