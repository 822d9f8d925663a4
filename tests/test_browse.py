from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from questions.bank.models import Question, Tag
from questions.study.browse import Status
from questions.study.models import CardState, ReviewCard, mastered_condition
from tests.factories import make_card, make_question, make_questions, make_topic, make_user

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
LIST = reverse("questions:list")


def titles(response):
    return [question.title for question in response.context["page"].object_list]


def tagged(question, *names):
    for name in names:
        question.tags.add(Tag.objects.get_or_create(name=name)[0])
    return question


@pytest.fixture
def bank(topic):
    other = make_topic("System design", slug="system-design")
    return {
        "easy_ml": tagged(
            make_question(topic=topic, title="Easy ML", difficulty="easy", position=3), "basics"
        ),
        "hard_ml": tagged(
            make_question(topic=topic, title="Hard ML", difficulty="hard", position=1),
            "basics",
            "nlp",
        ),
        "medium_ml": tagged(
            make_question(topic=topic, title="Medium ML", difficulty="medium", position=2), "nlp"
        ),
        "hard_sd": tagged(
            make_question(topic=other, title="Hard SD", difficulty="hard", position=4), "basics"
        ),
    }


class TestFilters:
    def test_topic_tag_and_difficulty_combine(self, client, bank):
        assert titles(client.get(LIST, {"topic": "pretrained-models"})) == [
            "Hard ML",
            "Medium ML",
            "Easy ML",
        ]
        assert titles(client.get(LIST, {"tag": "basics"})) == ["Hard ML", "Easy ML", "Hard SD"]
        assert titles(client.get(LIST, {"difficulty": "hard"})) == ["Hard ML", "Hard SD"]
        assert titles(
            client.get(LIST, {"topic": "pretrained-models", "tag": "basics", "difficulty": "hard"})
        ) == ["Hard ML"]
        assert titles(client.get(LIST, {"topic": "system-design", "tag": "nlp"})) == []

    def test_the_filters_offer_topics_tags_and_difficulties(self, client, bank):
        body = client.get(LIST).content.decode()
        assert '<option value="system-design">System design</option>' in body
        assert '<option value="nlp">nlp</option>' in body
        assert '<option value="hard">Hard</option>' in body

    def test_the_chosen_filters_stay_selected(self, client, bank):
        body = client.get(LIST, {"tag": "nlp", "difficulty": "hard"}).content.decode()
        assert '<option value="nlp" selected>nlp</option>' in body
        assert '<option value="hard" selected>Hard</option>' in body

    def test_an_unknown_tag_gets_a_clear_message_and_the_other_filters_still_apply(
        self, client, bank
    ):
        response = client.get(LIST, {"tag": "nope", "difficulty": "hard"})
        assert response.status_code == 200
        assert "There is no such tag" in response.content.decode()
        assert titles(response) == ["Hard ML", "Hard SD"]

    def test_an_unknown_topic_gets_a_clear_message(self, client, bank):
        response = client.get(LIST, {"topic": "nope", "tag": "nlp"})
        assert "There is no such topic" in response.content.decode()
        assert titles(response) == ["Hard ML", "Medium ML"]

    def test_an_unknown_value_marks_its_select_and_points_to_the_message(self, client, bank):
        body = client.get(LIST, {"topic": "nope", "tag": "nlp"}).content.decode()
        assert 'id="id_topic" aria-invalid="true" aria-describedby="topic-errors"' in body
        assert '<li class="message error" id="topic-errors">' in body
        assert body.count("aria-invalid") == 1
        toolbar = body.split("browse-toolbar")[1].split("</form>")[0]
        # The tag, and the empty choices of difficulty and sort; none for the unknown topic.
        assert toolbar.count(" selected>") == 3
        assert '<option value="nlp" selected>' in toolbar
        assert "All topics" in toolbar
        assert '<option value="" selected>All topics' not in toolbar

    @pytest.mark.parametrize(
        ("name", "value", "message"),
        [
            ("difficulty", "impossible", "There is no such difficulty"),
            ("sort", "random", "There is no such order"),
        ],
    )
    def test_other_unknown_values_get_a_clear_message(self, client, bank, name, value, message):
        response = client.get(LIST, {name: value})
        assert response.status_code == 200
        assert message in response.content.decode()
        assert len(titles(response)) == 4

    def test_the_topic_name_is_the_heading(self, client, bank):
        body = client.get(LIST, {"topic": "system-design"}).content.decode()
        assert "<h1>System design</h1>" in body


class TestSorting:
    def test_bank_order_is_the_default(self, client, bank):
        assert titles(client.get(LIST)) == ["Hard ML", "Medium ML", "Easy ML", "Hard SD"]

    def test_by_title(self, client, bank):
        assert titles(client.get(LIST, {"sort": "title"})) == [
            "Easy ML",
            "Hard ML",
            "Hard SD",
            "Medium ML",
        ]

    def test_by_difficulty_easy_first_then_bank_order(self, client, bank):
        assert titles(client.get(LIST, {"sort": "difficulty"})) == [
            "Easy ML",
            "Medium ML",
            "Hard ML",
            "Hard SD",
        ]

    def test_newest_first(self, client, bank):
        now = timezone.now()
        for age, question in enumerate(["hard_sd", "easy_ml", "medium_ml", "hard_ml"]):
            Question.objects.filter(pk=bank[question].pk).update(
                created_at=now - timedelta(days=age)
            )
        assert titles(client.get(LIST, {"sort": "newest"})) == [
            "Hard SD",
            "Easy ML",
            "Medium ML",
            "Hard ML",
        ]


class TestStatus:
    @pytest.fixture
    def statuses(self, alice, bank):
        now = timezone.now()
        make_card(alice, bank["hard_ml"], due=now - timedelta(hours=1))
        make_card(alice, bank["medium_ml"], stability=30.0, due=now + timedelta(days=30))
        make_card(alice, bank["easy_ml"], state=CardState.LEARNING, stability=25.0)
        return bank

    def statuses_of(self, response):
        return {row["question"].title: row["status"] for row in response.context["rows"]}

    def test_it_shows_the_users_own_status_per_question(self, alice_client, statuses):
        response = alice_client.get(LIST)
        assert self.statuses_of(response) == {
            "Hard ML": Status.DUE,
            "Medium ML": Status.MASTERED,
            "Easy ML": Status.LEARNING,  # stable, but still in learning steps
            "Hard SD": Status.NEW,
        }
        body = response.content.decode()
        for label in ["Due", "Mastered", "Learning", "New"]:
            assert f"</span>{label}</span>" in body

    def test_a_due_card_is_due_even_when_stable(self, alice_client, alice, bank):
        make_card(alice, bank["hard_ml"], stability=90.0, due=timezone.now() - timedelta(days=1))
        assert self.statuses_of(alice_client.get(LIST))["Hard ML"] == Status.DUE

    def test_suspended_and_skipped_cards(self, alice_client, alice, bank):
        now = timezone.now()
        make_card(alice, bank["hard_ml"], suspended=True, due=now - timedelta(days=1))
        # Skipped for today: neither due nor new. A skip of a question never answered: new.
        make_card(alice, bank["medium_ml"], due=now - timedelta(days=1), skipped_until=now + DAY)
        make_card(alice, bank["easy_ml"], reps=0, skipped_until=now + DAY)
        assert self.statuses_of(alice_client.get(LIST)) == {
            "Hard ML": Status.SUSPENDED,
            "Medium ML": Status.LEARNING,
            "Easy ML": Status.NEW,
            "Hard SD": Status.NEW,
        }

    def test_the_rules_are_the_schedulers_own(self, alice, bank):
        """is_due() and is_mastered() are due_condition() and mastered_condition() for one card:
        across cards of every kind, each picks the same cards as its SQL twin."""
        now = timezone.now()
        kinds = [
            {"due": now - DAY},
            {"due": now + DAY * 30, "stability": 30.0},
            {"due": now + DAY * 30, "stability": 30.0, "state": CardState.LEARNING},
            {"due": now + DAY, "stability": 5.0},
            {"due": now - DAY, "suspended": True},
            {"due": now - DAY, "skipped_until": now + DAY},
            {"due": now - DAY, "skipped_until": now - DAY},
            {"due": now - DAY, "reps": 0},
            {"due": now, "reps": 1},
        ]
        cards = [
            make_card(alice, make_question(topic=bank["hard_ml"].topic), **kind) for kind in kinds
        ]
        cards = ReviewCard.objects.filter(pk__in=[card.pk for card in cards])
        assert {card.pk for card in cards if card.is_due(now)} == set(
            cards.filter(ReviewCard.due_condition(now)).values_list("pk", flat=True)
        )
        assert {card.pk for card in cards if card.is_mastered(now)} == set(
            cards.filter(mastered_condition(now)).values_list("pk", flat=True)
        )
        assert {card.is_due(now) for card in cards} == {True, False}
        assert {card.is_mastered(now) for card in cards} == {True, False}

    def test_other_users_cards_do_not_count(self, client, statuses, bob):
        client.force_login(bob)
        assert set(self.statuses_of(client.get(LIST)).values()) == {Status.NEW}

    def test_anonymous_visitors_see_no_status(self, client, statuses):
        response = client.get(LIST)
        assert all("status" not in row for row in response.context["rows"])
        assert "Your status:" not in response.content.decode()


class TestQueryBudget:
    def test_it_does_not_grow_with_the_bank_or_the_cards(
        self, client, alice, django_assert_max_num_queries
    ):
        questions = make_questions(300)
        ReviewCard.objects.bulk_create(
            ReviewCard(
                reps=1,
                user=alice,
                question=question,
                state=CardState.REVIEW,
                stability=30,
                due=timezone.now() + timedelta(days=i % 5 - 2),
            )
            for i, question in enumerate(questions[:100])
        )
        make_card(make_user(), questions[200])
        client.force_login(alice)
        # session, user, topics and tags for the filters, count, page, the page's cards
        with django_assert_max_num_queries(7):
            response = client.get(LIST, {"tag": "", "sort": "difficulty"})
        assert len(response.context["rows"]) == 25
