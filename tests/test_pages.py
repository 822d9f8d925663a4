from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.urls import reverse

from tests.factories import make_question, make_questions, make_topic

pytestmark = pytest.mark.django_db


class TestHome:
    def test_it_lists_topics_with_question_counts(self, client, topic):
        make_question(topic=topic)
        make_question(topic=topic)
        make_question(topic=topic, is_published=False)
        response = client.get("/")
        body = response.content.decode()
        assert response.status_code == 200
        assert "预训练模型" in body
        assert "2 questions" in body
        assert "?topic=pretrained-models" in body

    def test_it_has_an_empty_state(self, client):
        assert "The question bank is empty" in client.get("/").content.decode()

    def test_it_shows_todays_numbers_to_a_logged_in_user(self, alice_client, question):
        body = alice_client.get("/").content.decode()
        assert "Reviewed today" in body
        assert "New left today" in body


class TestQuestionList:
    def test_it_pages_the_bank_25_at_a_time(self, client):
        make_questions(30)
        first = client.get(reverse("questions:list"))
        assert len(first.context["page"].object_list) == 25
        assert "Page 1 of 2" in first.content.decode()
        second = client.get(reverse("questions:list") + "?page=2")
        assert len(second.context["page"].object_list) == 5

    def test_a_page_out_of_range_shows_the_last_page(self, client):
        make_questions(3)
        response = client.get(reverse("questions:list") + "?page=99")
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 3

    def test_it_filters_by_topic(self, client, topic):
        wanted = make_question(topic=topic, title="Wanted")
        make_question(title="Other")
        response = client.get(reverse("questions:list") + "?topic=pretrained-models")
        assert list(response.context["page"].object_list) == [wanted]

    def test_an_unknown_topic_gets_a_clear_message(self, client, question):
        response = client.get(reverse("questions:list") + "?topic=nope")
        assert response.status_code == 200
        assert "There is no such topic" in response.content.decode()

    def test_it_hides_unpublished_questions(self, client, topic):
        make_question(topic=topic, title="Draft", is_published=False)
        assert "Draft" not in client.get(reverse("questions:list")).content.decode()

    def test_its_queries_do_not_grow_with_the_bank(self, client, django_assert_max_num_queries):
        make_questions(300)
        # topics and tags for the filters, count, page of questions with their topic
        with django_assert_max_num_queries(4):
            client.get(reverse("questions:list"))


class TestQuestionDetail:
    def test_it_hides_the_answer_until_revealed(self, client, question):
        body = client.get(question.get_absolute_url()).content.decode()
        assert question.title in body
        assert "Reveal answer" in body
        assert "高泛化能力" not in body

    def test_reveal_with_htmx_returns_only_the_answer_panel(self, client, question):
        url = reverse("questions:answer", args=[question.pk])
        response = client.get(url, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert "<html" not in body
        assert 'id="answer-panel"' in body
        assert "高泛化能力" in body

    def test_reveal_without_javascript_is_the_whole_page(self, client, question):
        response = client.get(reverse("questions:answer", args=[question.pk]))
        body = response.content.decode()
        assert "<html" in body
        assert "高泛化能力" in body
        assert "Reveal answer" not in body

    def test_an_unknown_question_is_a_404(self, client):
        assert client.get(reverse("questions:detail", args=[999999])).status_code == 404

    def test_an_unpublished_question_is_a_404(self, client, topic):
        draft = make_question(topic=topic, is_published=False)
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get(reverse("questions:answer", args=[draft.pk])).status_code == 404


class TestHealthz:
    def test_it_answers_ok_after_a_database_query(self, client, django_assert_num_queries):
        with django_assert_num_queries(1):
            response = client.get("/healthz")
        assert response.status_code == 200
        assert response.content == b"ok"

    def test_it_answers_503_when_the_database_is_unreachable(self, client):
        with mock.patch("django.db.backends.utils.CursorWrapper.execute") as execute:
            execute.side_effect = OperationalError("connection refused")
            response = client.get("/healthz")
        assert response.status_code == 503


class TestBaseTemplate:
    def test_htmx_is_served_from_our_own_static_files(self, client):
        body = client.get("/").content.decode()
        assert "/static/django_htmx/htmx" in body
        assert "https://" not in body.split("<body")[0]

    def test_every_htmx_request_carries_the_csrf_token(self, client):
        assert 'hx-headers=\'{"X-CSRFToken": "' in client.get("/").content.decode()

    def test_htmx_indicator_styles_are_ours(self, client):
        assert '"includeIndicatorStyles": false' in client.get("/").content.decode()


def test_topic_links_escape_their_slug(client):
    make_topic("Odd", slug="a-b")
    assert "?topic=a-b" in client.get("/").content.decode()


def test_no_template_has_a_multi_line_comment_tag():
    """{# … #} ends at the line's end: a multi-line one prints as page text (and once blanked
    every page). Multi-line comments use {% comment %}."""
    from pathlib import Path

    from django.conf import settings

    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            assert line.count("{#") == line.count("#}"), f"{template}:{number}"
