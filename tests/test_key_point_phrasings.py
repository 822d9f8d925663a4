"""Editors' accepted phrasings of a key point: in every bank format, and in the estimate."""

import io

import pytest
from django.core.management import call_command

from questions.bank.csv_format import parse_csv, to_csv
from questions.bank.duplication import duplicate_question
from questions.bank.exporting import export, questions_to_export
from questions.bank.importing import apply_plan, parse_file, plan_import
from questions.bank.models import KeyPoint, Question, Tag, Topic
from questions.study.coverage import score_key_points

PHRASINGS = {2: "少标注\nless labelled data", 4: "收敛快 | 不等号=无妨; 逗号, 也行"}


def load_bank_with_phrasings():
    call_command("load_sample_bank", stdout=io.StringIO())
    question = Question.objects.get(external_key="pretrained-models:1")
    for position, phrasings in PHRASINGS.items():
        question.key_points.filter(position=position).update(phrasings=phrasings)
    return question


def phrasings_of(question):
    return {point.position: point.phrasing_list() for point in question.key_points.all()}


def empty_the_bank():
    Question.objects.all().delete()
    Tag.objects.all().delete()
    Topic.objects.all().delete()


def import_text(name, text):
    parsed = (
        parse_csv(name, text.encode()) if name.endswith(".csv") else parse_file(name, text.encode())
    )
    plan = plan_import(parsed)
    apply_plan(plan)
    return plan.counts


def exported(format):
    questions = list(questions_to_export())
    return to_csv(questions) if format == "csv" else export(questions, format)


FILE_NAMES = {"markdown": "bank.md", "json": "bank.json", "csv": "bank.csv"}


@pytest.mark.parametrize("format", ["markdown", "json", "csv"])
@pytest.mark.django_db
def test_an_export_with_phrasings_imports_back_unchanged(format):
    load_bank_with_phrasings()

    counts = import_text(FILE_NAMES[format], exported(format))

    assert counts == {"created": 0, "updated": 0, "unchanged": 30}


@pytest.mark.parametrize("format", ["markdown", "json", "csv"])
@pytest.mark.django_db
def test_an_export_brings_the_phrasings_into_an_empty_bank(format):
    question = load_bank_with_phrasings()
    expected = phrasings_of(question)
    text = exported(format)
    empty_the_bank()

    import_text(FILE_NAMES[format], text)

    imported = Question.objects.get(external_key="pretrained-models:1")
    assert phrasings_of(imported) == expected
    assert phrasings_of(imported)[4] == ["收敛快 | 不等号=无妨; 逗号, 也行"]


@pytest.mark.parametrize("format", ["markdown", "json", "csv"])
@pytest.mark.django_db
def test_a_changed_phrasing_is_an_update(format):
    load_bank_with_phrasings()
    text = exported(format)
    KeyPoint.objects.filter(question__external_key="pretrained-models:1", position=2).update(
        phrasings="另一种说法"
    )

    counts = import_text(FILE_NAMES[format], text)

    assert counts["updated"] == 1
    point = KeyPoint.objects.get(question__external_key="pretrained-models:1", position=2)
    assert point.phrasing_list() == ["少标注", "less labelled data"]


@pytest.mark.django_db
def test_a_file_that_does_not_mention_phrasings_keeps_the_editors_ones():
    question = load_bank_with_phrasings()

    call_command("load_sample_bank", stdout=io.StringIO())

    assert phrasings_of(question)[2] == ["少标注", "less labelled data"]


@pytest.mark.django_db
def test_the_sample_bank_exports_without_phrasings_as_before():
    call_command("load_sample_bank", stdout=io.StringIO())

    assert "phrasings" not in exported("markdown")
    assert "phrasings" not in exported("json")


@pytest.mark.django_db
def test_a_markdown_phrasing_for_a_missing_key_point_is_an_error():
    text = (
        "### Question 1: Caches\n<!-- phrasings: 3=stale -->\n\n**Question:** Why?\n\n"
        "**Answer:**\n\n1. **Latency:** Faster reads.\n"
    )

    with pytest.raises(Exception, match="phrasings for key point 3"):
        parse_file("bank.md", text.encode())


def test_an_editors_phrasing_counts_in_the_estimate_as_the_label_does():
    recall = ("召回率", "正确识别的正样本占全部正样本的比例。")
    precision = ("精确率", "预测为正的样本中真正为正的比例。")

    without = score_key_points("PPV 要高", [recall, precision])
    with_phrasing = score_key_points("PPV 要高", [recall, (*precision, ["PPV"])])

    assert [score.covered for score in without] == [False, False]
    assert [score.covered for score in with_phrasing] == [False, True]


@pytest.mark.django_db
def test_a_duplicated_question_keeps_its_key_points_phrasings():
    question = load_bank_with_phrasings()

    copy = duplicate_question(question, user=None)

    assert phrasings_of(copy) == phrasings_of(question)
