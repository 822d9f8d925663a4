"""The practice screen for daily use: skip and suspend can be undone as a grade can, the badges
are in the interface's language, a text over the limit is refused with its count, the drills
are linked, and starred questions can be listed."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from questions.study import notes
from questions.study.models import ATTEMPT_MAX_LENGTH, Attempt, ReviewCard
from tests.factories import make_question

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def undo_from(response):
    match = re.search(
        r'action="/practice/undo-control/".*?name="undo" value="([^"]+)"',
        response.content.decode(),
        re.S,
    )
    assert match, "the response offers no undo"
    return match.group(1)


def token_from(response):
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the page carries no practice token"
    return match.group(1)


@pytest.fixture
def two_questions(topic):
    return make_question(topic=topic, position=1), make_question(topic=topic, position=2)


class TestUndoSkipAndSuspend:
    def test_a_skip_is_undone_and_the_question_comes_back(self, alice_client, two_questions):
        first, second = two_questions
        skipped = alice_client.post(reverse("questions:skip", args=[first.pk]), **HTMX)
        assert skipped.context["question"] == second
        assert "Undo the skip" in skipped.content.decode()

        undone = alice_client.post(
            reverse("questions:undo_control"), {"undo": undo_from(skipped)}, **HTMX
        )
        assert undone.status_code == 200
        assert undone.context["question"] == first
        assert "Skip undone" in undone.content.decode()
        assert ReviewCard.objects.get(question=first).skipped_until is None
        assert alice_client.get(reverse("questions:practice")).context["question"] == first

    def test_a_suspend_is_undone(self, alice_client, two_questions):
        first, _second = two_questions
        suspended = alice_client.post(reverse("questions:suspend", args=[first.pk]), **HTMX)
        assert ReviewCard.objects.get(question=first).suspended
        assert "Undo the suspension" in suspended.content.decode()
        alice_client.post(reverse("questions:undo_control"), {"undo": undo_from(suspended)}, **HTMX)
        assert not ReviewCard.objects.get(question=first).suspended

    def test_without_javascript_the_undo_comes_after_the_redirect(
        self, alice_client, two_questions
    ):
        first, _second = two_questions
        response = alice_client.post(reverse("questions:skip", args=[first.pk]), follow=True)
        body = response.content.decode()
        assert "Skipped" in body and "Undo the skip" in body
        undone = alice_client.post(reverse("questions:undo_control"), {"undo": undo_from(response)})
        assert undone.status_code == 200
        assert undone.context["question"] == first
        assert "<html" in undone.content.decode()

    def test_another_users_token_undoes_nothing(self, alice_client, bob, two_questions):
        first, _second = two_questions
        skipped = alice_client.post(reverse("questions:skip", args=[first.pk]), **HTMX)
        other = Client()
        other.force_login(bob)
        response = other.post(
            reverse("questions:undo_control"), {"undo": undo_from(skipped)}, **HTMX
        )
        assert response.status_code == 400
        assert ReviewCard.objects.get(question=first).skipped_until is not None

    @pytest.mark.parametrize("value", ["", "nonsense", "a:b:c"])
    def test_a_bad_token_is_a_400_not_a_500(self, alice_client, value):
        response = alice_client.post(reverse("questions:undo_control"), {"undo": value}, **HTMX)
        assert response.status_code == 400
        assert "nothing to undo" in response.content.decode()


class TestPracticeScreen:
    def test_the_mode_badge_is_translated(self, question, alice):
        client = Client(headers={"accept-language": "zh-hans"})
        client.force_login(alice)
        body = client.get(
            reverse("questions:practice_question", args=[question.pk])
        ).content.decode()
        assert '<span class="badge">浏览</span>' in body
        assert ">Browse<" not in body

    def test_a_text_over_the_limit_is_refused_with_its_count_and_kept(self, alice_client, question):
        page = alice_client.get(reverse("questions:practice_question", args=[question.pk]))
        text = "词" * (ATTEMPT_MAX_LENGTH + 1)
        response = alice_client.post(
            reverse("questions:reveal", args=[question.pk]),
            {"token": token_from(page), "text": text},
            **HTMX,
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "grades" not in response.context or not response.context.get("grades")
        assert str(ATTEMPT_MAX_LENGTH + 1) in body  # "it has 20001"
        assert text in body
        # The box has no maxlength, which would cut a paste without a word.
        assert "maxlength" not in re.search(r"<textarea[^>]*answer-text[^>]*>", body).group(0)

    def test_focus_goes_to_the_answer_box_and_the_checklist(self, alice_client, question):
        page = alice_client.get(reverse("questions:practice")).content.decode()
        assert re.search(r'<textarea[^>]*id="answer-text"[^>]*data-autofocus', page, re.S)
        revealed = alice_client.post(
            reverse("questions:reveal", args=[question.pk]),
            {"token": token_from(alice_client.get(reverse("questions:practice"))), "text": "x"},
            **HTMX,
        ).content.decode()
        assert re.search(r'<input type="checkbox"[^>]*id="point-1"[^>]*data-autofocus', revealed)

    def test_the_drills_are_linked_from_practice(self, alice_client, question):
        body = alice_client.get(reverse("questions:practice")).content.decode()
        assert 'href="/practice/?starred=1"' in body
        assert 'href="/practice/?focus=missed"' in body


class TestStars:
    def test_the_bank_lists_only_starred_questions_when_asked(self, alice_client, alice, topic):
        starred = make_question(topic=topic, title="有星")
        make_question(topic=topic, title="无星")
        notes.set_star(alice, starred, True)
        response = alice_client.get(reverse("questions:list") + "?starred=1")
        assert [row["question"] for row in response.context["rows"]] == [starred]

    def test_a_visitor_has_no_star_filter(self, client, question):
        response = client.get(reverse("questions:list") + "?starred=1")
        assert "starred" not in response.context["filters"].fields
        assert len(response.context["rows"]) == 1

    def test_the_progress_page_counts_the_stars(self, alice_client, alice, question):
        notes.set_star(alice, question, True)
        body = alice_client.get(reverse("questions:stats")).content.decode()
        assert "You starred 1 question." in body
        assert 'href="/practice/?starred=1"' in body


def answer(client, question, text="预训练模型泛化能力强。", rating=3):
    page = client.get(reverse("questions:practice_question", args=[question.pk]))
    data = {"token": token_from(page), "text": text}
    revealed = client.post(reverse("questions:reveal", args=[question.pk]), data, **HTMX)
    client.post(reverse("questions:grade", args=[question.pk]), {**data, "rating": rating}, **HTMX)
    return revealed


class TestSayWhy:
    def test_the_new_limit_is_named_with_a_way_to_raise_it_today(self, alice_client, alice, topic):
        first, second = (
            make_question(topic=topic, position=1),
            make_question(topic=topic, position=2),
        )
        profile = alice.study_profile
        profile.new_per_day = 1
        profile.save()
        answer(alice_client, first, rating=4)
        empty = alice_client.get(reverse("questions:practice"))
        body = empty.content.decode()
        assert empty.context["question"] is None
        assert "You have started today's 1 new question, your daily limit." in body
        assert "New ones come at midnight" in body
        assert 'href="/accounts/settings/"' in body
        assert "5 more new questions today" in body
        assert 'href="/practice/?focus=ahead"' in body

        more = alice_client.post(reverse("questions:more_new"), **HTMX)
        assert more.context["question"] == second
        profile.refresh_from_db()
        assert profile.new_per_day == 1  # the daily limit stays; today's is 6

    def test_review_ahead_serves_what_comes_back_soonest(self, alice_client, alice, topic):
        first, second = (
            make_question(topic=topic, position=1),
            make_question(topic=topic, position=2),
        )
        answer(alice_client, first, rating=4)
        answer(alice_client, second, rating=2)
        # Answered yesterday: the drill leaves out what was answered today.
        Attempt.objects.update(created_at=timezone.now() - timedelta(days=1))
        ahead = alice_client.get(reverse("questions:practice") + "?focus=ahead")
        assert ahead.context["question"] == second  # Hard comes back before Easy

    def test_an_answer_in_the_other_language_gets_a_note(self, alice_client, question):
        english = answer(alice_client, question, text="It generalises well and needs less data.")
        assert english.context["other_language"]
        assert "not in the language of the key points" in english.content.decode()
        chinese = answer(alice_client, make_question(topic=question.topic), text="泛化能力强")
        assert not chinese.context["other_language"]
