from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from questions.compiled import CompiledQuery
from questions.study.models import StudyProfile

# Every signed-in request loads its user: with the study profile, which every per-user page
# needs (and the interface language, questions/accounts/language.py, reads), in one query.
_USER_WITH_PROFILE = CompiledQuery(
    lambda pk: get_user_model()._default_manager.select_related("study_profile").filter(pk=pk),
    pk=int,
)


class ProfileBackend(ModelBackend):
    """Loads the study profile with the user, in one query compiled once (questions/compiled.py)."""

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        found = _USER_WITH_PROFILE.get(pk=user_id)
        if found is None:
            return None
        user = found[get_user_model()]
        if StudyProfile in found:
            user.study_profile = found[StudyProfile]
        return user if self.user_can_authenticate(user) else None
