"""Who may do what in the admin: editors, plain users, superusers; the createeditor command."""

import io
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from questions.bank.models import QuestionReport, ReportStatus
from questions.study.models import Attempt, ReviewCard
from tests.factories import make_attempt, make_user
from tests.helpers import change_url, form_data

STRONG_PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture
def attempt(question, alice):
    return make_attempt(alice, question, rating=2)


@pytest.fixture
def card(question, alice):
    return ReviewCard.objects.create(
        reps=1, user=alice, question=question, state=2, due=timezone.now()
    )


def create_editor(monkeypatch, username, password=STRONG_PASSWORD, **options):
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{password}\n"))
    out = io.StringIO()
    call_command("createeditor", username, password_from_stdin=True, stdout=out, **options)
    return out.getvalue()


# --- The Editors group --------------------------------------------------------------------------


def test_an_editor_can_change_questions(editor_client, question):
    data = form_data(editor_client.get(change_url(question)))
    data["title"] = "Edited by an editor"

    response = editor_client.post(change_url(question), data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert question.title == "Edited by an editor"


def test_an_editor_can_add_questions_topics_and_tags(editor_client):
    for model in ("question", "topic", "tag"):
        assert editor_client.get(reverse(f"admin:questions_{model}_add")).status_code == 200


def test_an_editor_cannot_manage_users(editor_client, alice):
    assert editor_client.get(reverse("admin:auth_user_add")).status_code == 403
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_user_change", args=[alice.pk])).status_code == 403


def test_an_editor_sees_attempts_but_cannot_change_them(editor_client, attempt):
    url = reverse("admin:questions_attempt_change", args=[attempt.pk])

    assert editor_client.get(reverse("admin:questions_attempt_changelist")).status_code == 200
    page = editor_client.get(url)
    assert page.status_code == 200
    assert 'name="rating"' not in page.content.decode()  # read-only
    assert editor_client.post(url, {"rating": 4}).status_code == 403
    delete = reverse("admin:questions_attempt_delete", args=[attempt.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    attempt.refresh_from_db()
    assert attempt.rating == 2


def test_an_editor_cannot_see_review_cards(editor_client, card):
    assert editor_client.get(reverse("admin:questions_reviewcard_changelist")).status_code == 403


def test_attempts_and_cards_stay_read_only_even_with_the_permissions(client, attempt, card):
    staff = make_user("staff", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                f"{action}_{model}"
                for action in ("view", "add", "change", "delete")
                for model in ("attempt", "reviewcard")
            ]
        )
    )
    client.force_login(staff)

    assert client.get(reverse("admin:questions_attempt_add")).status_code == 403
    url = reverse("admin:questions_reviewcard_change", args=[card.pk])
    assert client.post(url, {"reps": 99}).status_code == 403
    assert 'name="reps"' not in client.get(url).content.decode()


def test_a_superuser_can_change_attempts(client, attempt):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    url = reverse("admin:questions_attempt_change", args=[attempt.pk])

    assert 'name="rating"' in client.get(url).content.decode()
    delete = reverse("admin:questions_attempt_delete", args=[attempt.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not Attempt.objects.exists()


def test_a_plain_user_cannot_enter_the_admin(alice_client, question):
    for url in (
        reverse("admin:index"),
        change_url(question),
        reverse("admin:questions_question_import"),
    ):
        response = alice_client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, db):
    response = client.get(reverse("admin:questions_question_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- Problem reports ----------------------------------------------------------------------------


def test_an_editor_resolves_reports_with_an_action(editor_client, editor, question, alice, bob):
    first = QuestionReport.objects.create(user=alice, question=question, kind="unclear")
    second = QuestionReport.objects.create(user=bob, question=question, kind="wrong")

    response = editor_client.post(
        reverse("admin:questions_questionreport_changelist"),
        {"action": "mark_resolved", "_selected_action": [first.pk]},
    )

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ReportStatus.RESOLVED
    assert first.resolved_by == editor
    assert first.resolved_at is not None
    assert second.status == ReportStatus.OPEN


def test_resolving_a_report_on_its_page_records_who_and_when(
    editor_client, editor, question, alice
):
    report = QuestionReport.objects.create(user=alice, question=question, kind="unclear")
    url = reverse("admin:questions_questionreport_change", args=[report.pk])

    response = editor_client.post(url, {"status": "resolved"})

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == (ReportStatus.RESOLVED, editor)


def test_reports_are_not_added_in_the_admin(editor_client):
    url = reverse("admin:questions_questionreport_add")

    assert editor_client.get(url).status_code == 403


# --- createeditor -------------------------------------------------------------------------------


def test_createeditor_makes_a_staff_user_in_the_editors_group(monkeypatch, client, db, question):
    output = create_editor(monkeypatch, "carol", email="carol@example.com")

    assert output == "created editor carol\n"
    carol = get_user_model().objects.get(username="carol")
    assert carol.check_password(STRONG_PASSWORD)
    assert carol.is_staff and not carol.is_superuser
    assert carol.email == "carol@example.com"
    assert list(carol.groups.values_list("name", flat=True)) == ["Editors"]
    assert carol.has_perm("questions.change_question")
    assert not carol.has_perm("auth.add_user")
    client.force_login(carol)
    assert client.get(change_url(question)).status_code == 200


def test_createeditor_refuses_an_existing_username(monkeypatch, alice):
    with pytest.raises(CommandError, match="already exists"):
        create_editor(monkeypatch, "alice")


def test_createeditor_refuses_a_weak_password(monkeypatch, db):
    with pytest.raises(CommandError, match="too weak"):
        create_editor(monkeypatch, "carol", password="123")


def test_createeditor_refuses_a_bad_email(monkeypatch, db):
    with pytest.raises(CommandError, match="not an email address"):
        create_editor(monkeypatch, "carol", email="carol")


def test_createeditor_needs_a_terminal_or_stdin(monkeypatch, db):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))

    with pytest.raises(CommandError, match="--password-from-stdin"):
        call_command("createeditor", "carol", stdout=io.StringIO())


def test_createeditor_asks_twice_at_a_terminal(monkeypatch, db):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    answers = iter([STRONG_PASSWORD, "something else"])
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))

    with pytest.raises(CommandError, match="differ"):
        call_command("createeditor", "carol", stdout=io.StringIO())
