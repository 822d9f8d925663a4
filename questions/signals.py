import threading
from contextlib import contextmanager

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from questions import similarity  # noqa: F401 - connects its receivers (near-duplicates)
from questions.models import KeyPoint, Question, StudyProfile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_study_profile(sender, instance, created, raw=False, **kwargs):
    # raw: loaddata restores profiles from the dump itself.
    if created and not raw:
        StudyProfile.objects.get_or_create(user=instance)


# --- Question.search_text -----------------------------------------------------------------------

_pending = threading.local()


@contextmanager
def search_texts_refreshed_once():
    """Inside, saving or deleting a key point only notes its question; each noted question's
    search text is rebuilt once, in bulk, when the block ends without an error.

    For writers that save key points one by one (the admin's inline) or delete many (an
    import): otherwise every key point costs a rebuild of its question's text.
    """
    if getattr(_pending, "ids", None) is not None:  # nested: the outermost block refreshes
        yield
        return
    ids = _pending.ids = set()
    try:
        yield
    finally:
        _pending.ids = None
    Question.refresh_search_texts(ids)


@receiver(post_save, sender=KeyPoint, dispatch_uid="search_key_point_saved")
@receiver(post_delete, sender=KeyPoint, dispatch_uid="search_key_point_deleted")
def _key_point_changed(sender, instance, raw=False, origin=None, **kwargs):
    # raw: loaddata restores the question's search text from the dump itself. A question
    # being deleted takes its key points with it: nothing to rebuild.
    if raw or isinstance(origin, Question):
        return
    if isinstance(origin, QuerySet) and origin.model is Question:
        return
    ids = getattr(_pending, "ids", None)
    if ids is not None:
        ids.add(instance.question_id)
    else:
        Question.refresh_search_texts([instance.question_id])
