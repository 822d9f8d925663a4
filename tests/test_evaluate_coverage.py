import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import make_question

# Question 1 of the sample bank has four key points: 高泛化能力, 减少数据需求, 提高模型性能,
# 加速训练过程. The attempts below restate them plainly, so that the figures do not depend on
# how clever the estimate is.
LABELLED = {
    "about": "A small labelled set written for this test.",
    "items": [
        {
            "q": 1,
            "kind": "terse",
            "covered": [1, 2, 3, 4],
            "attempt": "高泛化能力、减少数据需求、提高模型性能、加速训练过程",
        },
        {"q": 1, "kind": "terse", "covered": [1, 2], "attempt": "高泛化能力；减少数据需求"},
        {"q": 1, "kind": "offtopic", "covered": [], "attempt": "先把鸡蛋打散，再炒番茄。"},
    ],
}


def run(*args, **options):
    out = io.StringIO()
    call_command("evaluate_coverage", *args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def write(tmp_path, document, name="labelled.json"):
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def row(output, kind):
    """The figures of one kind's line: attempts, precision, recall, F1, exact, TP, FP, FN."""
    line = next(line for line in output.splitlines() if line.split()[:1] == [kind])
    return line.split()[1:]


@pytest.mark.django_db
def test_it_prints_the_figures_overall_and_per_kind_from_the_database(tmp_path):
    call_command("load_sample_bank", stdout=io.StringIO())

    output = run(str(write(tmp_path, LABELLED)))

    assert "3 attempts, 12 key-point judgements" in output
    assert row(output, "all") == ["3", "1.000", "1.000", "1.000", "3/3", "6", "0", "0"]
    assert row(output, "terse") == ["2", "1.000", "1.000", "1.000", "2/2", "6", "0", "0"]
    assert row(output, "offtopic") == ["1", "1.000", "1.000", "1.000", "1/1", "0", "0", "0"]


@pytest.mark.django_db
def test_it_counts_a_missed_point_against_recall(tmp_path):
    call_command("load_sample_bank", stdout=io.StringIO())
    labelled = {"items": [{"q": 1, "kind": "x", "covered": [1, 3], "attempt": "高泛化能力"}]}

    output = run(str(write(tmp_path, labelled)))

    assert row(output, "all") == ["1", "1.000", "0.500", "0.667", "0/1", "1", "0", "1"]


@pytest.mark.django_db
def test_it_reads_the_key_points_from_a_bank_file_without_the_database(tmp_path):
    bank = tmp_path / "bank.md"
    bank.write_text(
        "### Question 7: Caches\n\n**Question:** Why cache?\n\n**Answer:**\n\n"
        "1. **Lower latency:** Reads come from memory.\n"
        "2. **Stale data:** Entries drift from the database.\n"
    )
    labelled = {"items": [{"q": 7, "kind": "english", "covered": [1], "attempt": "Lower latency."}]}

    output = run(str(write(tmp_path, labelled)), bank=str(bank))

    assert row(output, "all") == ["1", "1.000", "1.000", "1.000", "1/1", "1", "0", "0"]


@pytest.mark.django_db
def test_it_uses_the_editors_phrasings_from_the_database(tmp_path):
    points = [("召回率", "正确识别的正样本比例。"), ("精确率", "预测为正的样本中为正的比例。")]
    question = make_question(key_points=points, external_key="mine:1")
    question.key_points.filter(position=2).update(phrasings="PPV")
    labelled = {"items": [{"q": 1, "kind": "abbreviation", "covered": [2], "attempt": "PPV"}]}

    output = run(str(write(tmp_path, labelled)), source="mine")

    assert row(output, "all")[4] == "1/1"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "invalid JSON"),
        ("[]", 'an "items" list'),
        ({"items": [{"kind": "x", "covered": [], "attempt": "a"}]}, 'item 1: "q"'),
        ({"items": [{"q": 1, "covered": "1", "attempt": "a"}]}, 'item 1: "covered"'),
        ({"items": [{"q": 1, "covered": [0], "attempt": "a"}]}, 'item 1: "covered"'),
        ({"items": [{"q": 1, "covered": [], "attempt": 5}]}, 'item 1: "attempt"'),
        ({"items": [{"q": 1, "covered": [9], "attempt": "a"}]}, "has 4 key points, not 9"),
        ({"items": [{"q": 99, "covered": [], "attempt": "a"}]}, "no question 99"),
    ],
)
@pytest.mark.django_db
def test_it_rejects_a_malformed_file_with_a_clear_message(tmp_path, document, message):
    call_command("load_sample_bank", stdout=io.StringIO())

    with pytest.raises(CommandError, match=message):
        run(str(write(tmp_path, document)))


def test_it_rejects_a_file_it_cannot_read(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        run(str(tmp_path / "missing.json"))


def test_it_rejects_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"items": [], "about": "café"}'.encode("latin-1"))

    with pytest.raises(CommandError, match="not UTF-8"):
        run(str(path))


def test_it_rejects_a_malformed_bank_file(tmp_path):
    bank = tmp_path / "bank.md"
    bank.write_text("no questions here\n")

    with pytest.raises(CommandError, match="no questions found"):
        run(str(write(tmp_path, LABELLED)), bank=str(bank))
