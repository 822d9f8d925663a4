"""Spoken answers: a learner's recording of an answer, stored as their own data.

A practice recording arrives with the reveal, before the grade creates its attempt: it is kept
under the reveal's token and attached to the attempt when the grade comes with the same token.
A mock interview's arrives with the answer and belongs to its MockItem, and to the attempt once
that answer is graded. One left unattached for a day (the screen was closed before grading) is
an orphan, which `sweep_recordings` removes.

The file lives in the "recordings" storage (settings.STORAGES) and is never given a URL of its
own: recording_views.serve hands it to its owner only.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, connection, models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from questions.bank.models import Question
from questions.durations import format_clock
from questions.study import audio
from questions.study.models import Attempt, MockItem

logger = logging.getLogger(__name__)

# Unattached this long, a recording's screen was left without a grade: the sweep removes it.
ORPHAN_AFTER = timedelta(days=1)
# The browser stops at the limit; its last chunk can land a little after it.
DURATION_TOLERANCE = timedelta(seconds=2)
MB = 1024 * 1024


def storage():
    return storages["recordings"]


def max_bytes():
    return settings.RECORDING_MAX_MB * MB


def max_duration():
    return timedelta(seconds=settings.RECORDING_MAX_SECONDS)


def quota_bytes():
    return settings.RECORDINGS_QUOTA_MB * MB


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    content_type: str
    duration: timedelta


class RecordingRejected(Exception):
    """An upload that is not kept; its message is shown to the learner."""


class RecordingQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def unattached(self):
        return self.filter(attempt__isnull=True, mock_item__isnull=True)

    def orphaned(self, now):
        """Unattached for longer than ORPHAN_AFTER (the partial index recording_unattached)."""
        return self.unattached().filter(created_at__lt=now - ORPHAN_AFTER)

    def bytes_used(self, user):
        return self.for_user(user).aggregate(total=models.Sum("size"))["total"] or 0


class Recording(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recordings"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="recordings")
    # The practice reveal it came with (the token's id, which the attempt keeps as reveal_token).
    reveal_token = models.UUIDField(null=True, blank=True, editable=False)
    attempt = models.OneToOneField(
        Attempt, on_delete=models.CASCADE, null=True, blank=True, related_name="recording"
    )
    mock_item = models.OneToOneField(
        MockItem, on_delete=models.CASCADE, null=True, blank=True, related_name="recording"
    )
    file_name = models.CharField(gettext_lazy("file"), max_length=255, editable=False)
    content_type = models.CharField(
        gettext_lazy("content type"),
        max_length=20,
        choices=[(audio.WEBM, "WebM"), (audio.OGG, "Ogg")],
        help_text=gettext_lazy("Read from the file's bytes, not from the browser."),
    )
    size = models.PositiveIntegerField(gettext_lazy("size (bytes)"))
    duration = models.DurationField(gettext_lazy("length"))
    created_at = models.DateTimeField(gettext_lazy("recorded"), default=timezone.now)

    objects = RecordingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = gettext_lazy("recording")
        verbose_name_plural = gettext_lazy("recordings")
        constraints = [
            # A second upload with the same reveal (re-recorded, resent) replaces the first.
            models.UniqueConstraint(
                fields=["user", "reveal_token"], name="recording_unique_reveal"
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="recording_not_empty"),
        ]
        indexes = [
            # The sweep's query: the few recordings that belong to nothing yet, oldest first.
            models.Index(
                fields=["created_at"],
                condition=models.Q(attempt__isnull=True, mock_item__isnull=True),
                name="recording_unattached",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.question} · {self.length}"

    def get_absolute_url(self):
        return reverse("questions:recording", args=[self.pk])

    @property
    def length(self):
        """The length as the pages show it (m:ss)."""
        return format_clock(self.duration)

    def open(self):
        return storage().open(self.file_name, "rb")

    # --- Storing ------------------------------------------------------------------------------

    @classmethod
    def validate_upload(cls, upload, *, user, replacing=None):
        """Read and check an uploaded file: Opus in WebM or Ogg by its bytes, within the size
        and length limits and the user's quota (less the recording `replacing`, when one is
        replaced). Returns a CheckedUpload for keep(); raises RecordingRejected with the reason."""
        limit = max_bytes()
        if upload.size > limit:
            raise RecordingRejected(
                _("The recording is larger than %(mb)d MB. Record a shorter answer.")
                % {"mb": settings.RECORDING_MAX_MB}
            )
        data = upload.read(limit + 1)
        if not data:
            raise RecordingRejected(_("The recording is empty. Record your answer again."))
        try:
            info = audio.inspect(data)
        except audio.NotARecording as error:
            raise RecordingRejected(
                _("That file is not an audio recording this site can keep (Opus in WebM or Ogg).")
            ) from error
        duration = timedelta(seconds=info.duration)
        if duration > max_duration() + DURATION_TOLERANCE:
            raise RecordingRejected(
                _("The recording is longer than %(limit)s. Record a shorter answer.")
                % {"limit": format_clock(max_duration())}
            )
        used = cls.objects.bytes_used(user) - (replacing.size if replacing else 0)
        if used + len(data) > quota_bytes():
            raise RecordingRejected(
                _(
                    "Your recordings take %(used)s of your %(quota)d MB: this one was not kept. "
                    "Delete old recordings from your History to make room."
                )
                % {"used": _megabytes(used), "quota": settings.RECORDINGS_QUOTA_MB}
            )
        return CheckedUpload(data, info.content_type, duration)

    @classmethod
    def keep(
        cls, checked, *, user, question, now, reveal_token=None, mock_item=None, replacing=None
    ):
        """Store a checked upload's file and its row (replacing the earlier one, if given)."""
        extension = "ogg" if checked.content_type == audio.OGG else "webm"
        name = storage().save(
            f"{user.pk}/{uuid.uuid4().hex}.{extension}", ContentFile(checked.data)
        )
        try:
            with transaction.atomic():
                if replacing is not None:
                    replacing.delete()
                return cls.objects.create(
                    user=user,
                    question=question,
                    reveal_token=reveal_token,
                    mock_item=mock_item,
                    file_name=name,
                    content_type=checked.content_type,
                    size=len(checked.data),
                    duration=checked.duration,
                    created_at=now,
                )
        except IntegrityError:
            # The same reveal or mock answer sent twice at once: the other request's is kept.
            storage().delete(name)
            kept = cls.objects.for_user(user)
            if reveal_token is not None:
                return kept.get(reveal_token=reveal_token)
            return kept.get(mock_item=mock_item)
        except Exception:
            storage().delete(name)
            raise

    @classmethod
    def attach(cls, attempt):
        """Give a practice attempt the recording kept with its reveal, if any: one UPDATE. The
        grade calls it in its transaction, so that a graded answer never leaves its recording
        to the sweep. Written by hand: Django builds an update() anew every time, for several
        times what running it costs, and every grade makes one."""
        token = cls._meta.get_field("reveal_token").get_db_prep_value(
            attempt.reveal_token, connection
        )
        with connection.cursor() as cursor:
            cursor.execute(_ATTACH_SQL, [attempt.pk, attempt.user_id, token])

    def attach_to(self, attempt):
        """A mock answer's recording joins the attempt its grade made."""
        self.attempt = attempt
        self.save(update_fields=["attempt"])


# Recording.attach(): the unattached recording of the user kept under the attempt's reveal token
# (unique per user: at most one row).
_ATTACH_SQL = (
    f"UPDATE {Recording._meta.db_table} SET attempt_id = %s"
    " WHERE user_id = %s AND attempt_id IS NULL AND reveal_token = %s"
)


def _megabytes(count):
    return f"{count / MB:.1f} MB"


# Every way a recording's row goes (undo deleting the attempt, the account, a question an editor
# deletes, the sweep, the admin) is a cascade or a queryset delete: only post_delete sees them
# all. The file goes once the transaction has committed, so a rolled-back delete keeps it.
@receiver(post_delete, sender=Recording)
def delete_file(sender, instance, **kwargs):
    name = instance.file_name
    transaction.on_commit(lambda: _delete_stored(name))


def _delete_stored(name):
    try:
        storage().delete(name)
    except OSError:
        # The sweep finds files without a row and tries again.
        logger.exception("recording file not deleted name=%s", name)


# --- The sweep --------------------------------------------------------------------------------


def sweep(now, *, dry_run=False):
    """Remove orphaned recordings (rows and files), and files in the storage that no row names
    and are older than ORPHAN_AFTER (a row deleted while its file could not be). Returns
    (rows, stray files)."""
    orphans = Recording.objects.orphaned(now)
    rows = orphans.count()
    if not dry_run:
        orphans.delete()
    strays = [name for name in _stored_names() if _is_stray(name, now)]
    known = set(Recording.objects.filter(file_name__in=strays).values_list("file_name", flat=True))
    strays = [name for name in strays if name not in known]
    if not dry_run:
        for name in strays:
            _delete_stored(name)
    return rows, len(strays)


def _stored_names():
    files = storage()
    try:
        folders, top = files.listdir("")
    except (FileNotFoundError, NotImplementedError):
        return
    yield from top
    for folder in folders:
        _subfolders, names = files.listdir(folder)
        for name in names:
            yield f"{folder}/{name}"


def _is_stray(name, now):
    try:
        modified = storage().get_modified_time(name)
    except (NotImplementedError, OSError):
        return False  # without a date a file being saved right now could look stray
    return modified < now - ORPHAN_AFTER
