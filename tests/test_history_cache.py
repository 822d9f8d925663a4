"""The history page's results and its filter bar come from the cache
(questions/progress/history_cache.py) until something they show changes: each change below
appears on the very next view."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from questions.study.models import Attempt, ReviewCard, StudyProfile
from questions.study.recordings import Recording
from tests.audio_samples import make_webm
from tests.factories import make_attempt, make_card, make_question, make_topic
from tests.helpers import grade, normalised_page, reveal, token_from

pytestmark = pytest.mark.django_db

HISTORY = "/history/"


@pytest.fixture
def answered(alice, question):
    """alice answered `question` once, an hour ago."""
    return make_attempt(
        alice, question, text="my answer", created_at=timezone.now() - timedelta(hours=1)
    )


def page(client, **query):
    return client.get(HISTORY, query).content.decode()


def test_a_second_view_is_served_from_the_cache(alice_client, answered, django_assert_num_queries):
    first = normalised_page(alice_client.get(HISTORY))
    # session, user with profile, the key's one query (the filter bar is cached with the
    # results)
    with django_assert_num_queries(3):
        assert normalised_page(alice_client.get(HISTORY)) == first


def test_a_grade_appears(alice_client, answered, question):
    assert "1 attempt" in page(alice_client)
    grade(alice_client, question, rating=1)
    body = page(alice_client)
    assert "2 attempts" in body and "Again" in body


def test_an_undone_attempt_goes(alice_client, alice, answered, question):
    newer = make_attempt(alice, question)
    assert "2 attempts" in page(alice_client)
    newer.delete()
    assert "1 attempt" in page(alice_client)


def test_an_edited_question_title_appears(alice_client, answered, question):
    page(alice_client)
    question.title = "A title edited by an editor"
    question.save()
    assert "A title edited by an editor" in page(alice_client)


def test_a_renamed_topic_appears(alice_client, answered, question):
    page(alice_client)
    topic = question.topic
    topic.name = "Renamed topic"
    topic.save()
    body = page(alice_client)
    assert "<span>Renamed topic</span>" in body  # in the row
    assert f'<option value="{topic.slug}">Renamed topic</option>' in body  # in the filter


def test_a_topics_new_slug_and_order_appear_in_the_filter(alice_client, answered, question):
    question.topic.position = 5
    question.topic.save()
    later = make_topic(name="Later", position=6)
    page(alice_client)
    later.slug, later.position = "moved-first", 4
    later.save()
    body = page(alice_client)
    assert body.index('<option value="moved-first">Later') < body.index(question.topic.name)


def test_a_new_topic_appears_in_the_filter(alice_client, answered):
    page(alice_client)
    make_topic(name="A topic added since")
    assert ">A topic added since</option>" in page(alice_client)


def test_a_question_becoming_a_leech_is_marked(alice_client, alice, answered, question):
    card = make_card(alice, question, again_count=0)
    assert "Leech" not in page(alice_client)
    card.again_count = 10
    card.save()
    assert "Leech" in page(alice_client)


def test_a_lower_leech_threshold_marks_the_row(alice_client, alice, answered, question):
    make_card(alice, question, again_count=3)
    assert "Leech" not in page(alice_client)
    StudyProfile.objects.filter(user=alice).update(leech_threshold=3)
    assert "Leech" in page(alice_client)


def test_another_time_zone_shows_other_times(alice_client, alice, answered):
    StudyProfile.objects.update_or_create(user=alice, defaults={"time_zone": "UTC"})
    utc = page(alice_client)
    StudyProfile.objects.filter(user=alice).update(time_zone="Asia/Shanghai")
    shanghai = page(alice_client)
    assert utc != shanghai
    expected = timezone.localtime(answered.created_at, timezone.get_fixed_timezone(480))
    assert f'datetime="{expected.isoformat()}"' in shanghai


def test_each_language_has_its_own_results(alice_client, answered):
    english = alice_client.get(HISTORY, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = alice_client.get(HISTORY, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "1 attempt" in english
    assert "1 attempt" not in chinese and "Good" not in chinese


def test_filters_and_pages_are_not_mixed_up(alice_client, alice, question):
    other = make_question(topic=make_topic(name="Other topic"), title="The other question")
    make_attempt(alice, question, rating=1)
    make_attempt(alice, other, rating=4)
    assert "The other question" in page(alice_client)
    assert "The other question" not in page(alice_client, rating="1")
    assert "The other question" in page(alice_client, rating="4")
    assert "The other question" in page(alice_client)


def test_the_htmx_partial_and_the_whole_page_are_kept_apart(alice_client, answered):
    partial = alice_client.get(HISTORY, HTTP_HX_REQUEST="true").content.decode()
    whole = page(alice_client)
    assert "<html" not in partial and "<html" in whole
    assert alice_client.get(HISTORY, HTTP_HX_REQUEST="true").content.decode() == partial


def test_one_users_results_are_never_anothers(alice_client, client, bob, answered, question):
    assert question.title in page(alice_client)
    client.force_login(bob)
    body = page(client)
    assert "You have not answered any question yet." in body
    assert question.title not in body


def test_a_deleted_recording_loses_its_badge(alice_client, question, recordings_dir):
    upload = SimpleUploadedFile("answer.webm", make_webm(3.0), content_type="audio/webm")
    revealed = reveal(alice_client, question, recording=upload)
    grade(alice_client, question, token=token_from(revealed))
    assert "Spoken, 0:03" in page(alice_client)
    recording = Recording.objects.get()
    response = alice_client.post(reverse("questions:recording_delete", args=[recording.pk]))
    assert response.status_code in (200, 302)
    assert not Recording.objects.exists()
    assert "Spoken" not in page(alice_client)


def test_a_reset_empties_the_list(alice_client, alice, answered):
    assert "1 attempt" in page(alice_client)
    Attempt.objects.filter(user=alice).delete()
    ReviewCard.objects.filter(user=alice).delete()
    assert "You have not answered any question yet." in page(alice_client)


def page_was_read(client, query):
    """Whether the view read a page of attempts from the database (not from the cache)."""
    url = f"{HISTORY}?{query}" if isinstance(query, str) else HISTORY
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url) if isinstance(query, str) else client.get(url, query)
    assert response.status_code == 200
    # The page's query is the one that reads attempts with a LIMIT (the key's have none).
    return any("LIMIT" in query["sql"] and "questions_attempt" in query["sql"] for query in queries)


@pytest.mark.parametrize(
    "query",
    [{}, {"page": "1"}, {"rating": "3", "mode": "review"}, {"topic": "QUESTION_TOPIC"}],
)
def test_the_usual_filters_are_kept(alice_client, answered, question, query):
    query = {k: question.topic.slug if v == "QUESTION_TOPIC" else v for k, v in query.items()}
    assert page_was_read(alice_client, query)
    assert not page_was_read(alice_client, query)


@pytest.mark.parametrize(
    "query",
    [
        {"q": "my answer"},
        {"date_from": "2020-01-01"},
        {"page": "abc"},
        {"page": "100000"},
        {"rating": "9"},
        {"utm_source": "mail"},
        "rating=4&rating=3",
    ],
)
def test_searches_dates_and_odd_query_strings_are_read_afresh(alice_client, answered, query):
    """Only a few known values are kept, so that endless query strings cannot fill the cache."""
    assert page_was_read(alice_client, query)
    assert page_was_read(alice_client, query)
