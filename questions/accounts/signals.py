from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from questions.study.models import StudyProfile


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_study_profile(sender, instance, created, raw=False, **kwargs):
    # raw: loaddata restores profiles from the dump itself.
    if created and not raw:
        StudyProfile.objects.get_or_create(user=instance)
