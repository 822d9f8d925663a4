"""Sessions in the database, as Django keeps them, read by a query compiled once.

The session engine when there is no Redis (settings.SESSION_ENGINE). Django's database engine
compiles its lookup on every request; this one runs the same SQL from questions/compiled.py.
Writing, expiry and clearing are Django's own.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from questions.compiled import CompiledQuery

_SESSION = CompiledQuery(
    lambda key: Session.objects.filter(session_key=key).only("session_data", "expire_date"),
    key=str,
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = _SESSION.get(key=self.session_key) if self.session_key else None
        session = found[Session] if found else None
        if session is None or session.expire_date <= timezone.now():
            # As Django's engine does for a key it does not find: a new session gets a new key.
            self._session_key = None
            return None
        return session
