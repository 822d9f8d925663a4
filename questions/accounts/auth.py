from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from questions.compiled import CompiledQuery
from questions.study.models import StudyProfile

# Every signed-in request loads its user: with the study profile, which every per-user page
# needs (and the interface language, questions/accounts/language.py, reads), in one query.
_USER_WITH_PROFILE = CompiledQuery(
    lambda pk: get_user_model()._default_manager.select_related("study_profile").filter(pk=pk)
)


class ProfileBackend(ModelBackend):
    """Loads the study profile with the user, in one query compiled once (questions/compiled.py)."""

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        row = _USER_WITH_PROFILE.row(user_id)
        if row is None:
            return None
        instances = _USER_WITH_PROFILE.instances(row)
        user = instances[get_user_model()]
        profile = instances.get(StudyProfile)
        if profile is not None:
            # As select_related leaves them: user.study_profile and profile.user without a query.
            link = StudyProfile._meta.get_field("user")
            link.set_cached_value(profile, user)
            link.remote_field.set_cached_value(user, profile)
        return user if self.user_can_authenticate(user) else None
