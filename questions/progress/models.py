from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredDigest(models.Model):
    """A user's history digest (progress/digest.py) as its pickle, kept in the database so that
    a restarted server, and every worker of it, starts from the digest instead of the whole
    history. Derived data only: every use checks it against the attempts, and it goes with the
    account. The app alone writes it, like the rows of Django's database cache, which are
    pickles too."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    data = models.BinaryField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("progress digest")
        verbose_name_plural = _("progress digests")

    def __str__(self):
        return f"progress digest of user {self.user_id}"
