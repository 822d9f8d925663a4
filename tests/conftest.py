import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache, caches
from django.utils import translation

from questions.bank import facts
from tests.factories import make_question, make_topic, make_user


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def topic(db):
    return make_topic("预训练模型", slug="pretrained-models")


@pytest.fixture
def question(topic):
    return make_question(topic=topic, title="预训练模型的基本概念")


@pytest.fixture
def editor(db):
    """A member of the Editors group (migration 0004), as createeditor makes one."""
    user = make_user("editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture(autouse=True)
def _empty_cache(request, django_db_blocker):
    """Each test starts with an empty cache. Rate-limit counters live in the database's throttle
    table: a test's transaction takes them away with it, but a transactional test (threads,
    live servers) commits them, so they are deleted after it."""
    cache.clear()
    yield
    cache.clear()
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        with django_db_blocker.unblock():
            caches["throttle"].clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request through LocaleMiddleware leaves its language active in the thread: each test
    starts from the default language whatever the one before it asked for."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_bank_facts_from_another_test():
    """Each test rolls its bank back: the facts a process keeps of it start afresh."""
    facts.forget()
    yield
    facts.forget()


@pytest.fixture
def recordings_dir(settings, tmp_path):
    """Recordings stored in a directory of the test's own, not in var/recordings."""
    location = tmp_path / "recordings"
    settings.STORAGES = {
        **settings.STORAGES,
        "recordings": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location
