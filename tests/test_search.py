import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from questions.bank import edits, search
from questions.bank.models import KeyPoint, Question
from tests.factories import make_question

LIST = reverse("questions:list")


def titles(response):
    return [question.title for question in response.context["page"].object_list]


@pytest.fixture
def sample_bank(db):
    call_command("load_sample_bank", verbosity=0)


class TestHighlight:
    def test_it_wraps_each_match_in_mark(self):
        assert search.highlight("预训练模型和迁移学习的区别", ["迁移"]) == (
            "预训练模型和<mark>迁移</mark>学习的区别"
        )

    def test_it_ignores_case_and_keeps_the_texts_own(self):
        assert search.highlight("Transfer learning, transfer!", ["TRANSFER"]) == (
            "<mark>Transfer</mark> learning, <mark>transfer</mark>!"
        )

    def test_it_escapes_the_text(self):
        html = search.highlight("<script>alert(1)</script> 迁移", ["迁移"])
        assert "<script>" not in html
        assert html == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>迁移</mark>"

    def test_it_escapes_a_term_that_looks_like_markup(self):
        html = search.highlight("a <script> tag", ["<script>"])
        assert html == "a <mark>&lt;script&gt;</mark> tag"

    def test_a_term_never_matches_inside_an_escaped_entity(self):
        assert search.highlight("A & B", ["amp"]) == "A &amp; B"
        assert search.highlight("x < y", ["lt"]) == "x &lt; y"

    def test_regex_characters_in_terms_are_literal(self):
        assert search.highlight("C++ and C#", ["c++"]) == "<mark>C++</mark> and C#"
        assert search.highlight("a.b axb", ["a.b"]) == "<mark>a.b</mark> axb"

    def test_overlapping_matches_merge(self):
        assert search.highlight("迁移学习", ["迁移", "移学"]) == "<mark>迁移学</mark>习"

    def test_without_terms_it_only_escapes(self):
        assert search.highlight("<b>x</b>", []) == "&lt;b&gt;x&lt;/b&gt;"


class TestSnippet:
    def test_it_shows_the_text_around_the_first_match(self):
        text = "开头" * 50 + "迁移学习" + "结尾" * 50
        html = search.snippet(text, ["迁移"], context=10)
        assert html == "… 开头开头开头开头开头<mark>迁移</mark>学习结尾结尾结尾结尾 …"

    def test_it_drops_markdown_markers_and_escapes(self):
        html = search.snippet("1. **迁移学习：** <b>不同</b>", ["迁移"])
        assert html == "1. <mark>迁移</mark>学习： &lt;b&gt;不同&lt;/b&gt;"

    def test_it_is_none_without_a_match(self):
        assert search.snippet("nothing here", ["迁移"]) is None


class TestTerms:
    def test_words_are_split_and_punctuation_around_them_dropped(self):
        assert search.search_terms(" 迁移学习？  (cache) ") == ["迁移学习", "cache"]

    def test_punctuation_inside_a_term_stays(self):
        assert search.search_terms("c++ node.js") == ["c++", "node.js"]

    def test_pure_punctuation_and_repeats_are_dropped(self):
        assert search.search_terms("!!! ... Cache cache ，") == ["Cache"]


@pytest.mark.django_db
class TestSearch:
    def test_a_chinese_substring_finds_the_transfer_learning_questions(self, client, sample_bank):
        response = client.get(LIST, {"q": "迁移"})
        found = titles(response)
        assert "预训练模型和迁移学习的区别" in found
        assert "预训练模型的迁移能力" in found
        assert len(found) == 3  # the third mentions 迁移学习 in its answer only

    def test_title_matches_come_first_then_bank_order(self, client, sample_bank):
        found = titles(client.get(LIST, {"q": "迁移"}))
        assert found[:2] == ["预训练模型和迁移学习的区别", "预训练模型的迁移能力"]
        assert found[2] == "如何在资源受限的环境中使用预训练模型"

    def test_an_english_word_matches_in_any_case(self, client, sample_bank):
        for query in ["transfer", "TRANSFER", "Transfer Learning"]:
            assert titles(client.get(LIST, {"q": query})) == ["预训练模型和迁移学习的区别"]

    def test_every_word_must_match(self, client, topic):
        make_question(topic=topic, title="Cache invalidation", prompt="Why is it hard?")
        make_question(topic=topic, title="Cache sizing", prompt="How big?")
        assert titles(client.get(LIST, {"q": "cache hard"})) == ["Cache invalidation"]

    def test_it_finds_words_in_the_answer_and_the_key_points(self, client, topic):
        make_question(topic=topic, title="By answer", answer="Use a write-through cache.")
        by_point = make_question(topic=topic, title="By key point", answer="见要点", key_points=[])
        KeyPoint.objects.create(
            question=by_point, position=1, label="Zebra label", detail="stripes everywhere"
        )
        make_question(topic=topic, title="Neither")
        assert titles(client.get(LIST, {"q": "write-through"})) == ["By answer"]
        assert titles(client.get(LIST, {"q": "zebra"})) == ["By key point"]
        assert titles(client.get(LIST, {"q": "stripes"})) == ["By key point"]

    def test_a_term_never_spans_two_texts(self, client, topic):
        make_question(topic=topic, title="ends with abc", prompt="def starts the prompt")
        assert titles(client.get(LIST, {"q": "abcdef"})) == []
        assert titles(client.get(LIST, {"q": "cd"})) == []

    @pytest.mark.parametrize(
        "query", ["ÉCOLE", "école", "ÉCO", "éc", "ΣΟΦΙΑ", "σοφια", "STRASSE", "straße"]
    )
    def test_case_is_ignored_in_any_script(self, client, topic, query):
        # Three characters or more go through the trigram index, fewer through a scan.
        make_question(topic=topic, title="L'école", prompt="Σοφια", answer="Große Straße")
        make_question(topic=topic, title="Other", prompt="p", answer="a")
        assert titles(client.get(LIST, {"q": query})) == ["L'école"]

    @pytest.mark.parametrize(
        "query", ['say"hi', "NEAR(ab", "abc*", "^abc", "col:abc", "-abc", "c++"]
    )
    def test_the_index_query_syntax_in_a_term_is_plain_text(self, client, topic, query):
        make_question(topic=topic, title='say"hi NEAR(ab abc* ^abc col:abc -abc c++')
        make_question(topic=topic, title="say hi near ab abc col abc c")
        assert titles(client.get(LIST, {"q": query})) == [
            'say"hi NEAR(ab abc* ^abc col:abc -abc c++'
        ]

    def test_a_title_match_outranks_bank_order(self, client, topic):
        make_question(topic=topic, title="First in the bank", prompt="about sharding", position=1)
        make_question(topic=topic, title="Sharding basics", position=2)
        assert titles(client.get(LIST, {"q": "sharding"})) == [
            "Sharding basics",
            "First in the bank",
        ]

    def test_an_explicit_sort_replaces_the_ranking(self, client, topic):
        make_question(topic=topic, title="B about sharding", prompt="sharding", position=1)
        make_question(topic=topic, title="A prompt only", prompt="sharding", position=2)
        make_question(topic=topic, title="Sharding basics", position=3)
        found = titles(client.get(LIST, {"q": "sharding", "sort": "title"}))
        assert found == ["A prompt only", "B about sharding", "Sharding basics"]

    def test_like_wildcards_in_the_query_are_literal(self, client, topic):
        make_question(topic=topic, title="Uptime of 100%", prompt="p")
        make_question(topic=topic, title="Uptime of 99.9", prompt="p")
        make_question(topic=topic, title="snake_case names", prompt="p")
        make_question(topic=topic, title="snakeXcase", prompt="p")
        assert titles(client.get(LIST, {"q": "100%"})) == ["Uptime of 100%"]
        assert titles(client.get(LIST, {"q": "snake_case"})) == ["snake_case names"]

    def test_it_combines_with_the_filters(self, client, topic):
        make_question(topic=topic, title="Cache in topic", difficulty="hard")
        make_question(topic=topic, title="Cache easy", difficulty="easy")
        make_question(title="Cache elsewhere", difficulty="hard")
        response = client.get(LIST, {"q": "cache", "topic": topic.slug, "difficulty": "hard"})
        assert titles(response) == ["Cache in topic"]

    def test_it_hides_unpublished_questions(self, client, topic):
        make_question(topic=topic, title="Draft about caches", is_published=False)
        assert titles(client.get(LIST, {"q": "caches"})) == []

    def test_results_highlight_the_match_with_a_snippet(self, client, sample_bank):
        body = client.get(LIST, {"q": "迁移"}).content.decode()
        assert "预训练模型和<mark>迁移</mark>学习的区别" in body
        assert 'class="snippet"' in body
        assert "请解释预训练模型和<mark>迁移</mark>学习（Transfer Learning）的区别。" in body

    def test_the_query_and_the_text_are_escaped_in_results(self, client, topic):
        make_question(topic=topic, title="<script>alert(1)</script> XSS", prompt="<img src=x>")
        response = client.get(LIST, {"q": "<script>alert(1)</script>"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "<script>alert(1)" not in body
        assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark> XSS" in body
        assert "<img src=x>" not in body

    def test_nothing_found_has_a_clear_empty_state(self, client, sample_bank):
        response = client.get(LIST, {"q": "kubernetes"})
        assert response.status_code == 200
        assert "Nothing matches your search" in response.content.decode()

    @pytest.mark.parametrize("query", ["!!!", "？？ 。", "*", "%", "_", "-- ''"])
    def test_a_query_of_punctuation_only_gets_a_clear_message(self, client, question, query):
        response = client.get(LIST, {"q": query})
        body = response.content.decode()
        assert response.status_code == 200
        assert "Type at least one letter or digit to search." in body
        assert response.context["page"] is None
        assert 'class="question-list"' not in body

    def test_a_query_over_200_characters_gets_a_clear_message(self, client, question):
        response = client.get(LIST, {"q": "迁" * 201})
        body = response.content.decode()
        assert response.status_code == 200
        assert "Search for at most 200 characters (this is 201)." in body
        assert 'class="question-list"' not in body

    def test_a_query_of_200_characters_is_fine(self, client, question):
        response = client.get(LIST, {"q": "迁" * 200})
        assert response.status_code == 200
        assert response.context["page"] is not None

    def test_too_many_words_get_a_clear_message(self, client, question):
        response = client.get(LIST, {"q": " ".join(f"w{i}" for i in range(11))})
        assert "at most 10 words" in response.content.decode()

    def test_odd_input_is_never_a_500(self, client, question):
        for query in ["\x00", "' OR 1=1 --", "\\", "a" * 5000, "%%%", "迁移\t\n学习"]:
            assert client.get(LIST, {"q": query}).status_code == 200

    def test_search_pages_keep_the_query(self, client, topic):
        for i in range(30):
            make_question(topic=topic, title=f"Cache {i}", position=i)
        response = client.get(LIST, {"q": "cache"})
        assert "q=cache&amp;page=2" in response.content.decode()
        assert len(client.get(LIST, {"q": "cache", "page": 2}).context["page"].object_list) == 5

    def test_search_takes_at_most_eight_queries(
        self, client, alice, sample_bank, django_assert_max_num_queries
    ):
        client.force_login(alice)
        # session, user, topics and tags for the filters, count, page (with rank), the key
        # points of the questions whose prompt has no match (their snippet comes from the
        # reference answer), the user's cards of the page's questions (their status)
        with django_assert_max_num_queries(8):
            response = client.get(LIST, {"q": "迁移 学习"})
        assert len(response.context["page"].object_list) == 3

    @pytest.mark.parametrize(("term", "queries"), [("缓存", 4), ("击穿", 5)])
    def test_key_points_are_read_only_for_snippets_of_the_answer(
        self, client, topic, term, queries, django_assert_num_queries
    ):
        """A question whose prompt has the term takes its snippet from there, with no query
        for its key points; one whose key points have it, from its reference answer."""
        make_question(topic=topic, title="A", prompt="什么是缓存？", key_points=[("击穿", "热点")])
        # topics, tags, count, page, and the key points when a snippet needs them
        with django_assert_num_queries(queries):
            response = client.get(LIST, {"q": term})
        [row] = response.context["rows"]
        assert f"<mark>{term}</mark>" in row["snippet"]


def found(term):
    """Titles of the questions whose texts or key points contain the term."""
    return sorted(search.matching(Question.objects.all(), [term]).values_list("title", flat=True))


@pytest.mark.django_db
class TestTheSearchTextFollowsEdits:
    @pytest.fixture
    def question(self, topic):
        """A question whose key points (added one by one) say what no other text says."""
        question = make_question(topic=topic, title="缓存", answer="见要点", key_points=[])
        question.key_points.create(position=1, label="缓存击穿", detail="热点键过期")
        question.key_points.create(position=2, label="缓存雪崩", detail="大量键同时过期")
        return question

    def test_saving_a_question_indexes_its_new_texts(self, question):
        question.answer = "Now about Kubernetes"
        question.save()
        assert found("kubernetes") == [question.title]
        assert found("缓存击穿") == [question.title]  # its key points stay in

    def test_saving_some_fields_indexes_them_too(self, question):
        question.title = "Sharding basics"
        question.save(update_fields=["title"])
        assert found("sharding") == ["Sharding basics"]

    def test_an_added_key_point_is_found(self, question):
        question.key_points.create(position=3, label="缓存穿透", detail="查不存在的键")
        assert found("缓存穿透") == [question.title]
        assert found("不存在") == [question.title]

    def test_an_edited_key_point_is_found_by_its_new_text_only(self, question):
        point = question.key_points.get(position=1)
        point.label = "缓存预热"
        point.save()
        assert found("缓存预热") == [question.title]
        assert found("缓存击穿") == []

    def test_a_deleted_key_point_is_no_longer_found(self, question):
        question.key_points.get(position=1).delete()
        assert found("缓存击穿") == []
        assert found("缓存雪崩") == [question.title]

    def test_a_deleted_question_is_no_longer_found(self, question, topic):
        make_question(topic=topic, title="Kept", prompt="缓存")
        question.delete()
        assert found("缓存") == ["Kept"]
        assert found("缓存雪崩") == []

    def test_a_bulk_writer_brings_the_text_up_to_date_with_one_call(self, question):
        KeyPoint.objects.bulk_create(
            [
                KeyPoint(question=question, position=5, label="节省资源"),
                KeyPoint(question=question, position=6, label="节省时间"),
            ]
        )
        assert found("节省资源") == []  # bulk writes bypass save()
        edits.questions_changed([question.pk])
        assert found("节省资源") == found("节省时间") == [question.title]

    def test_refresh_search_texts_catches_up_with_bulk_writes(self, question, topic):
        other = make_question(topic=topic, title="Other", key_points=[])
        KeyPoint.objects.bulk_create([KeyPoint(question=other, position=1, label="缓存穿透")])
        Question.objects.filter(pk=question.pk).update(title="Bulk retitled")
        assert found("缓存穿透") == []

        Question.refresh_search_texts([question.pk, other.pk, 10**9])

        assert found("缓存穿透") == ["Other"]
        assert found("retitled") == ["Bulk retitled"]


@pytest.mark.django_db
class TestOnPostgreSQL:
    pytestmark = pytest.mark.skipif(
        connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only"
    )

    def test_the_lookup_is_a_plain_ilike_on_the_column(self):
        sql = str(Question.objects.filter(title__ilike="迁移").query)
        assert '"questions_question"."title" ILIKE' in sql
        assert "UPPER" not in sql

    def test_a_chinese_search_is_case_and_index_safe(self, client, sample_bank):
        assert len(titles(client.get(LIST, {"q": "迁移学习"}))) == 2


class TestWithoutPostgreSQL:
    def test_the_lookup_falls_back_to_icontains(self):
        if connection.vendor == "postgresql":
            pytest.skip("checks the other databases")
        sql = str(Question.objects.filter(title__ilike="迁移").query)
        assert "LIKE" in sql
        assert "ILIKE" not in sql
