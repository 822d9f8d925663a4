"""Near-duplicate questions: shingles, the bank-wide search, updates on save, the command."""

import io
import itertools
import logging
import random

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from questions.bank import similarity
from questions.bank.models import KeyPoint, Question, SimilarQuestion
from tests.factories import make_question, make_user
from tests.helpers import change_url, form_data

# The seed's known near-duplicates, by question number.
SEED_PAIRS = [(1, 7), (2, 6), (3, 25), (13, 26)]


def seed_question(number):
    return Question.objects.get(external_key=f"pretrained-models:{number}")


def top_match(question):
    best = SimilarQuestion.objects.filter(question=question).order_by("-score", "other_id").first()
    return best and best.other


@pytest.fixture
def seed_bank(db):
    call_command("load_sample_bank", verbosity=0)


def run(*args, **options):
    out = io.StringIO()
    call_command("find_similar_questions", *args, stdout=out, **options)
    return out.getvalue()


# --- Shingles and scores ------------------------------------------------------------------------


def test_chinese_text_becomes_character_bigrams_split_at_function_words():
    assert similarity.shingles("预训练的模型") == {"预训", "训练", "模型"}


def test_latin_text_becomes_lowercased_words_without_stop_words():
    assert similarity.shingles("The Transformer uses self-attention.") == {
        "transformer",
        "uses",
        "self",
        "attention",
    }


def test_full_width_letters_count_as_ascii():
    assert similarity.shingles("ＢＥＲＴ") == {"bert"}


def test_the_score_is_the_jaccard_index():
    assert similarity.jaccard({"a", "b", "c"}, {"b", "c", "d"}) == 0.5
    assert similarity.jaccard(set(), {"a"}) == 0.0


def random_documents(seed, count, vocabulary_size=60):
    rng = random.Random(seed)
    vocabulary = [f"w{n}" for n in range(vocabulary_size)]
    documents = {}
    for key in range(count):
        if key and rng.random() < 0.3:
            # A variant of an earlier document: some words dropped, some added.
            base = documents[rng.randrange(key)]
            words = {w for w in base if rng.random() < 0.8} | set(rng.sample(vocabulary, 3))
        else:
            words = set(rng.sample(vocabulary, rng.randint(5, 25)))
        documents[key] = frozenset(words)
    return documents


def all_pairs(documents, threshold):
    """The full comparison the search avoids."""
    return {
        (a, b): similarity.jaccard(documents[a], documents[b])
        for a, b in itertools.combinations(documents, 2)
        if similarity.jaccard(documents[a], documents[b]) >= threshold
    }


def found_pairs(documents, threshold):
    return {
        (min(a, b), max(a, b)): score
        for a, b, score in similarity.similar_pairs(documents, threshold)
    }


@pytest.mark.parametrize("threshold", [0.2, 0.35, 0.5])
def test_in_a_small_bank_the_search_finds_exactly_what_a_full_comparison_finds(threshold):
    documents = random_documents(threshold, similarity.SCORED_CANDIDATES + 1)

    found = found_pairs(documents, threshold)
    expected = all_pairs(documents, threshold)

    assert found.keys() == expected.keys()
    assert all(found[pair] == pytest.approx(expected[pair]) for pair in expected)


def test_in_a_large_bank_the_search_finds_every_near_duplicate():
    documents = random_documents(7, 400, vocabulary_size=400)
    threshold = similarity.NEAR_DUPLICATE_THRESHOLD

    found = found_pairs(documents, similarity.MIN_SCORE)
    expected = all_pairs(documents, threshold)

    assert expected  # the variants make some
    assert expected.keys() <= found.keys()
    assert all(found[pair] == pytest.approx(score) for pair, score in expected.items())
    assert all(score >= similarity.MIN_SCORE for score in found.values())


def test_top_matches_keep_the_best_n_in_both_directions():
    pairs = [(1, 2, 0.9), (1, 3, 0.5), (1, 4, 0.7), (3, 4, 0.6)]

    matches = similarity.top_matches(pairs, 2)

    assert matches[1] == [(0.9, 2), (0.7, 4)]
    assert matches[3] == [(0.6, 4), (0.5, 1)]
    assert matches[2] == [(0.9, 1)]


# --- The bundled bank ---------------------------------------------------------------------------


def test_the_command_finds_each_known_near_duplicate_of_the_seed(seed_bank):
    output = run()

    assert output.startswith("compared 30 questions")
    for first, second in SEED_PAIRS:
        assert top_match(seed_question(first)) == seed_question(second)
        assert top_match(seed_question(second)) == seed_question(first)
        score = SimilarQuestion.objects.get(
            question=seed_question(first), other=seed_question(second)
        ).score
        assert score >= similarity.NEAR_DUPLICATE_THRESHOLD


def test_saving_one_question_finds_its_near_duplicate_too(seed_bank):
    for first, second in SEED_PAIRS:
        SimilarQuestion.objects.all().delete()

        similarity.update_for_question(seed_question(first).pk)

        assert top_match(seed_question(first)) == seed_question(second)
        # Stored both ways.
        assert top_match(seed_question(second)) == seed_question(first)


def test_one_question_and_the_whole_bank_give_the_same_scores(seed_bank):
    run()
    whole = {
        (row.question_id, row.other_id): row.score
        for row in SimilarQuestion.objects.filter(question=seed_question(13))
    }
    similarity.update_for_question(seed_question(13).pk)
    alone = {
        (row.question_id, row.other_id): row.score
        for row in SimilarQuestion.objects.filter(question=seed_question(13))
    }

    assert alone == pytest.approx(whole)


def test_the_admin_filters_the_seeds_near_duplicates(seed_bank, client):
    run()
    editor = make_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)

    response = client.get(
        reverse("admin:questions_question_changelist"), {"near_duplicates": "yes"}
    )

    numbers = sorted(int(q.external_key.split(":")[1]) for q in response.context["cl"].result_list)
    assert {n for pair in SEED_PAIRS for n in pair} <= set(numbers)
    assert len(numbers) < 30


def test_the_change_page_shows_the_near_duplicate(seed_bank, client):
    run()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))

    content = client.get(change_url(seed_question(1))).content.decode()

    assert seed_question(7).title in content
    assert "pretrained-models:7" in content


# --- Updating after saves -----------------------------------------------------------------------


def test_saving_a_question_updates_its_similar_questions_after_commit(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = make_question(title="One")
        second = make_question(title="Same text")

    row = SimilarQuestion.objects.get(question=first, other=second)
    assert row.score == 1.0
    assert SimilarQuestion.objects.filter(question=second, other=first).exists()


def test_nothing_is_computed_before_the_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_question()
        make_question()

    assert callbacks
    assert not SimilarQuestion.objects.exists()


def test_changing_a_key_point_updates_the_scores(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = make_question()
        second = make_question()
    with django_capture_on_commit_callbacks(execute=True):
        point = KeyPoint.objects.filter(question=second).first()
        point.detail = "完全不同的内容：注意力机制、位置编码、残差连接与层归一化。"
        point.save()

    assert SimilarQuestion.objects.get(question=first, other=second).score < 1.0


def test_an_admin_save_updates_once_however_many_key_points_change(
    client, db, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        question = make_question()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    data = form_data(client.get(change_url(question)))
    data.update({"key_points-0-label": "一", "key_points-1-label": "二", "title": "New"})
    updated = []
    monkeypatch.setattr(similarity, "update_for_question", updated.append)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(question), data)

    assert response.status_code == 302
    assert updated == [question.pk]


def test_a_failed_update_is_logged_and_does_not_break_the_save(monkeypatch, db, caplog):
    def broken(question_id):
        raise RuntimeError("boom")

    monkeypatch.setattr(similarity, "update_for_question", broken)

    with caplog.at_level(logging.ERROR, logger="questions.bank.similarity"):
        similarity._update_quietly(42)

    assert "similarity update failed question_id=42" in caplog.text


def test_updating_a_deleted_question_stores_nothing(db):
    assert similarity.update_for_question(123456) == 0


# --- The command --------------------------------------------------------------------------------


def test_the_command_keeps_at_most_top_n_per_question(seed_bank):
    run("--top", "1", "--threshold", "0.3")

    for question in Question.objects.all():
        mine = SimilarQuestion.objects.filter(question=question)
        # Its own best match, plus any question whose best match it is.
        assert all(row.score >= 0.3 for row in mine)
    assert SimilarQuestion.objects.filter(question=seed_question(1)).count() == 1


def test_the_command_replaces_what_was_stored(seed_bank):
    stale = SimilarQuestion.objects.create(
        question=seed_question(1), other=seed_question(30), score=0.99
    )

    run()

    assert not SimilarQuestion.objects.filter(pk=stale.pk).exists()


def test_a_dry_run_stores_nothing(seed_bank):
    output = run("--dry-run")

    assert "Dry run: nothing was stored." in output
    assert not SimilarQuestion.objects.exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--threshold", "abc"], "must be a number"),
        (["--threshold", "0"], "above 0"),
        (["--threshold", "1.5"], "at most 1"),
        (["--top", "0"], "1 or more"),
    ],
)
def test_the_command_refuses_bad_options(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
