import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from questions.bank.models import Question
from questions.study import notes
from questions.study.models import QuestionNote
from tests.factories import make_question

pytestmark = pytest.mark.django_db


def star_url(question):
    return reverse("questions:star", args=[question.pk])


def note_url(question):
    return reverse("questions:note", args=[question.pk])


def htmx(htmx_request):
    return {"HTTP_HX_REQUEST": "true"} if htmx_request else {}


class TestStar:
    @pytest.mark.parametrize("htmx_request", [False, True], ids=["plain", "htmx"])
    def test_it_stars_and_unstars(self, alice_client, alice, question, htmx_request):
        response = alice_client.post(star_url(question), {"starred": "1"}, **htmx(htmx_request))
        assert QuestionNote.objects.get(user=alice, question=question).starred is True
        if htmx_request:
            body = response.content.decode()
            assert response.status_code == 200
            assert "<html" not in body
            assert f'id="note-{question.pk}"' in body
            assert 'name="starred" value="0"' in body  # the button now unstars
            assert "Starred" in body
        else:
            assert response.status_code == 302
            assert response["Location"] == question.get_absolute_url()
        alice_client.post(star_url(question), {"starred": "0"}, **htmx(htmx_request))
        assert QuestionNote.objects.get(user=alice, question=question).starred is False

    def test_a_double_click_does_not_undo_the_star(self, alice_client, alice, question):
        alice_client.post(star_url(question), {"starred": "1"})
        alice_client.post(star_url(question), {"starred": "1"})
        assert QuestionNote.objects.get(user=alice, question=question).starred is True

    def test_without_javascript_it_goes_back_to_the_page_it_came_from(self, alice_client, question):
        response = alice_client.post(star_url(question), {"starred": "1", "next": "/practice/"})
        assert response["Location"] == "/practice/"

    def test_it_never_redirects_off_the_site(self, alice_client, question):
        for next_url in ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]:
            response = alice_client.post(star_url(question), {"starred": "1", "next": next_url})
            assert response["Location"] == question.get_absolute_url()

    @pytest.mark.parametrize("value", ["", "2", "yes"])
    def test_a_bad_value_is_a_400(self, alice_client, question, value):
        response = alice_client.post(star_url(question), {"starred": value})
        assert response.status_code == 400
        assert not QuestionNote.objects.exists()

    def test_it_requires_login_and_post(self, client, alice_client, question):
        client.logout()
        assert client.post(star_url(question), {"starred": "1"}).status_code == 302
        assert alice_client.get(star_url(question)).status_code == 405
        assert not QuestionNote.objects.exists()

    def test_an_unpublished_or_unknown_question_is_a_404(self, alice_client, topic):
        draft = make_question(topic=topic, is_published=False)
        assert alice_client.post(star_url(draft), {"starred": "1"}).status_code == 404
        url = reverse("questions:star", args=[999999])
        assert alice_client.post(url, {"starred": "1"}).status_code == 404


class TestNote:
    @pytest.mark.parametrize("htmx_request", [False, True], ids=["plain", "htmx"])
    def test_it_saves_the_note_and_shows_it_rendered(
        self, alice_client, alice, question, htmx_request
    ):
        text = "Remember **fine-tuning**.\n\n<script>alert(1)</script>"
        response = alice_client.post(note_url(question), {"text": text}, **htmx(htmx_request))
        note = QuestionNote.objects.get(user=alice, question=question)
        assert note.text == text
        assert note.starred is False
        if htmx_request:
            body = response.content.decode()
            assert "<html" not in body
            assert "Note saved." in body
        else:
            assert response.status_code == 302
            body = alice_client.get(question.get_absolute_url()).content.decode()
        assert "Remember <strong>fine-tuning</strong>." in body
        assert "<script>alert(1)</script>" not in body

    def test_saving_a_note_keeps_the_star(self, alice_client, alice, question):
        alice_client.post(star_url(question), {"starred": "1"})
        alice_client.post(note_url(question), {"text": "x"})
        note = QuestionNote.objects.get(user=alice, question=question)
        assert (note.starred, note.text) == (True, "x")

    def test_an_empty_note_clears_it(self, alice_client, alice, question):
        alice_client.post(note_url(question), {"text": "x"})
        alice_client.post(note_url(question), {"text": "  "})
        assert QuestionNote.objects.get(user=alice, question=question).text == ""

    def test_a_note_over_10000_characters_is_refused_clearly(self, alice_client, question):
        response = alice_client.post(note_url(question), {"text": "x" * 10_001})
        assert response.status_code == 400
        assert "at most 10000 characters" in response.content.decode()
        response = alice_client.post(
            note_url(question), {"text": "x" * 10_001}, HTTP_HX_REQUEST="true"
        )
        body = response.content.decode()
        assert response.status_code == 200  # the panel comes back in place with the error
        assert 'class="errorlist"' in body
        assert "<html" not in body
        assert not QuestionNote.objects.exists()

    def test_it_requires_login(self, client, question):
        assert client.post(note_url(question), {"text": "x"}).status_code == 302
        assert not QuestionNote.objects.exists()


class TestIsolation:
    def test_notes_and_stars_are_private(self, client, alice, bob, question):
        client.force_login(alice)
        client.post(note_url(question), {"text": "alice's secret"})
        client.post(star_url(question), {"starred": "1"})
        client.force_login(bob)
        body = client.get(question.get_absolute_url()).content.decode()
        assert "alice&#x27;s secret" not in body
        assert "alice's secret" not in body
        assert 'name="starred" value="1"' in body  # bob has not starred it
        assert list(notes.starred_questions(bob)) == []
        assert list(notes.starred_questions(alice)) == [question]

    def test_each_user_has_their_own_note(self, client, alice, bob, question):
        for user, text in [(alice, "mine"), (bob, "his")]:
            client.force_login(user)
            client.post(note_url(question), {"text": text})
        assert QuestionNote.objects.get(user=alice).text == "mine"
        assert QuestionNote.objects.get(user=bob).text == "his"


class TestStarredQuestions:
    def test_it_gives_the_published_starred_questions_in_bank_order(self, alice, bob, topic):
        second = make_question(topic=topic, position=2)
        first = make_question(topic=topic, position=1)
        unstarred = make_question(topic=topic, position=3)
        draft = make_question(topic=topic, position=4, is_published=False)
        for question in [second, first, draft]:
            notes.set_star(alice, question, True)
        notes.set_star(alice, unstarred, False)
        notes.set_star(bob, unstarred, True)
        assert list(notes.starred_questions(alice)) == [first, second]

    def test_the_ids_are_a_subquery_for_other_querysets(
        self, alice, topic, django_assert_num_queries
    ):
        starred = make_question(topic=topic)
        make_question(topic=topic)
        notes.set_star(alice, starred, True)
        with django_assert_num_queries(1):
            found = list(Question.objects.filter(pk__in=notes.starred_question_ids(alice)))
        assert found == [starred]


class TestWhereItShows:
    def test_the_question_page_shows_the_note_to_its_author(self, alice_client, alice, question):
        notes.save_text(alice, question, "my *own* words")
        body = alice_client.get(question.get_absolute_url()).content.decode()
        assert "my <em>own</em> words" in body
        assert "Edit note" in body

    def test_anonymous_visitors_get_no_note_panel(self, client, question):
        body = client.get(question.get_absolute_url()).content.decode()
        assert "note-panel" not in body

    def test_the_practice_answer_panel_shows_the_note_after_reveal(self, alice, question):
        notes.set_star(alice, question, True)
        notes.save_text(alice, question, "practice **note**")
        request = RequestFactory().post(f"/practice/{question.pk}/reveal/")
        request.user = alice
        request.htmx = True
        template = engines["django"].get_template("questions/practice.html#answer-panel")
        body = template.render({"question": question, "grades": []}, request)
        assert "practice <strong>note</strong>" in body
        assert "Starred" in body
        # A POST page cannot be reloaded: no-JS forms go back to the question page instead.
        assert f'name="next" value="{question.get_absolute_url()}"' in body

    def test_the_panel_costs_one_query(self, alice, question, django_assert_num_queries):
        request = RequestFactory().get(question.get_absolute_url())
        request.user = alice
        template = engines["django"].get_template("questions/_note.html")
        with django_assert_num_queries(1):
            body = template.render({"question": question}, request)
        assert f'name="next" value="{question.get_absolute_url()}"' in body
