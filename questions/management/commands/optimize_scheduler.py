from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from questions.study.models import profile_for
from questions.study.optimizer import MINIMUM_REVIEWS, FitOutcome
from questions.study.tasks import fit_profile


class Command(BaseCommand):
    help = (
        "Fit FSRS's parameters to a user's own attempts (every mode counts; a review is an "
        "attempt a day or more after the card's previous one). With --user: fit now, print "
        "the reviews used and the held-out log loss and RMSE of the defaults and of the fit, "
        "and keep the fit only if it is better on both (--dry-run: print, keep nothing). "
        f"Without --user: queue a fit for every user with at least {MINIMUM_REVIEWS} attempts "
        "(the worker runs them; --dry-run lists them)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Username.")
        parser.add_argument("--dry-run", action="store_true", help="Write and queue nothing.")

    def handle(self, *args, user=None, dry_run=False, **options):
        if user is None:
            self.queue_everyone(dry_run)
            return
        found = get_user_model()._default_manager.filter(username=user).first()
        if found is None:
            raise CommandError(f"no user named {user!r}")
        result = fit_profile(profile_for(found), timezone.now(), save=not dry_run)
        self.stdout.write(f"{found.username}: {result.reviews} reviews used")
        evidence = result.evidence
        if evidence is not None:
            self.stdout.write(f"held-out reviews: {evidence.held_out}")
            for name, scores in (("defaults", evidence.defaults), ("fit", evidence.fitted)):
                self.stdout.write(
                    f"{name:>9}: log loss {scores.log_loss:.4f}, RMSE {scores.rmse:.4f}"
                )
        kept = result.outcome == FitOutcome.KEPT
        verb = (
            ("would be kept" if kept else "would not be kept")
            if dry_run
            else ("kept" if kept else "not kept")
        )
        reason = "" if kept else f" ({FitOutcome(result.outcome).label})"
        self.stdout.write(f"fit {verb}{reason}")
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")

    def queue_everyone(self, dry_run):
        users = (
            get_user_model()
            ._default_manager.annotate(attempt_count=Count("attempts"))
            .filter(attempt_count__gte=MINIMUM_REVIEWS)
            .order_by("pk")
        )
        now = timezone.now()
        queued = 0
        for user in users.iterator():
            if not dry_run:
                profile_for(user).queue_fit(now)
            queued += 1
        action = "would queue" if dry_run else "queued"
        self.stdout.write(f"{action} {queued} users with at least {MINIMUM_REVIEWS} attempts")
