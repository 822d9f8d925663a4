from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from questions.bank import edits
from questions.bank.models import KeyPoint, Question

# --- A question's derived data (questions/edits.py) -----------------------------------------


@receiver(post_save, sender=Question, dispatch_uid="question_saved")
def _question_saved(sender, instance, raw=False, **kwargs):
    # raw: loaddata restores the derived data from the dump itself. save() has rebuilt the
    # search text.
    if not raw:
        edits.edited([instance.pk], search_text=False)


@receiver(post_save, sender=KeyPoint, dispatch_uid="key_point_saved")
@receiver(post_delete, sender=KeyPoint, dispatch_uid="key_point_deleted")
def _key_point_changed(sender, instance, raw=False, origin=None, **kwargs):
    # A question being deleted takes its key points with it: nothing to bring up to date.
    if raw or isinstance(origin, Question):
        return
    if isinstance(origin, QuerySet) and origin.model is Question:
        return
    edits.edited([instance.question_id])
