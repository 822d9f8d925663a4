import re
from pathlib import Path

import pytest
from fsrs import Rating

from questions.study.coverage import (
    COVERED_THRESHOLD,
    PointScore,
    overall_coverage,
    score_key_points,
    suggest_rating,
)
from questions.study.models import ATTEMPT_MAX_LENGTH

BANK = Path(__file__).resolve().parent.parent / "questions" / "data" / "pretrained-models.md"

# Question 1 of the bank: what is a pretrained model, and what are its advantages?
PRETRAINED_ADVANTAGES = [
    (
        "高泛化能力",
        "预训练模型通过在大规模数据上训练，获得了丰富的知识表示，"
        "从而在各种任务上表现出良好的泛化能力。",
    ),
    (
        "减少数据需求",
        "预训练模型可以减少特定任务所需的数据量，因为它们已经从大规模数据中学习到了许多通用特征。",
    ),
    (
        "提高模型性能",
        "预训练模型通常在多种任务上表现出良好的性能，这为特定任务提供了更好的性能基础。",
    ),
    (
        "加速训练过程",
        "预训练模型减少了从零开始训练所需的时间，因为模型已经具有了一定的权重初始化。",
    ),
]

# Why put a cache in front of a database, and what does it cost?
CACHE_TRADE_OFFS = [
    (
        "Lower latency",
        "Reads are served from memory instead of disk, so responses come back much faster.",
    ),
    (
        "Less database load",
        "Repeated queries are answered by the cache, which frees the database to handle writes "
        "and uncached reads.",
    ),
    (
        "Stale data",
        "Cached values can drift out of sync with the database, so entries need an expiry time "
        "or explicit invalidation.",
    ),
    (
        "Extra memory cost",
        "The cache keeps copies of hot data in RAM, which costs more per gigabyte than disk "
        "storage.",
    ),
]

COOKING_ZH = (
    "先把鸡蛋打散，锅里放油烧热，倒入蛋液炒到半熟盛出。再炒番茄，加盐和糖调味，"
    "最后把鸡蛋倒回去翻炒均匀就可以出锅了。"
)
COOKING_POINTS = [
    ("番茄炒蛋", "鸡蛋打散后炒到半熟盛出，再炒番茄，最后倒回鸡蛋翻炒。"),
    ("Roast potatoes", "Toss the potatoes in olive oil and roast them until golden."),
]
COOKING_EN = (
    "Preheat the oven to 200 degrees, toss the potatoes in olive oil and salt, "
    "and roast them for forty minutes until golden."
)


def bank_questions() -> list[list[tuple[str, str]]]:
    """Each question's key points: the bold-labelled numbered items of its answer."""
    text = BANK.read_text(encoding="utf-8")
    return [
        re.findall(r"^\d+\.\s+\*\*(.+?)[：:]\*\*\s*(.+)$", block, flags=re.MULTILINE)
        for block in re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    ]


def reference_answer(points: list[tuple[str, str]]) -> str:
    return "\n".join(
        f"{number}. **{label}：** {detail}" for number, (label, detail) in enumerate(points, 1)
    )


def covered(attempt: str, points: list[tuple[str, str]]) -> list[bool]:
    return [score.covered for score in score_key_points(attempt, points)]


def test_the_bank_parses_into_thirty_questions_with_key_points():
    # Guards the tests below that loop over the bank against passing on nothing.
    questions = bank_questions()

    assert len(questions) == 30
    assert all(len(points) >= 4 for points in questions)
    assert questions[0] == PRETRAINED_ADVANTAGES


@pytest.mark.parametrize("number", range(1, 31))
def test_the_reference_answer_covers_every_point(number):
    points = bank_questions()[number - 1]

    scores = score_key_points(reference_answer(points), points)

    assert [score.score for score in scores] == pytest.approx([1.0] * len(points))
    assert overall_coverage(scores) == 1.0


def test_it_returns_one_score_per_point_in_order():
    scores = score_key_points("泛化能力强", PRETRAINED_ADVANTAGES)

    assert [score.label for score in scores] == [label for label, _ in PRETRAINED_ADVANTAGES]


@pytest.mark.parametrize("attempt", ["", "   \n", "**：** 1. - > `` ###"])
def test_an_empty_attempt_covers_nothing(attempt):
    scores = score_key_points(attempt, PRETRAINED_ADVANTAGES)

    assert [score.score for score in scores] == [0.0] * 4
    assert overall_coverage(scores) == 0.0


def test_an_unrelated_chinese_attempt_covers_no_point_of_any_bank_question():
    for points in bank_questions():
        assert not any(covered(COOKING_ZH, points)), points


def test_an_unrelated_english_attempt_covers_nothing():
    assert covered(COOKING_EN, CACHE_TRADE_OFFS) == [False] * 4
    assert covered(COOKING_EN, PRETRAINED_ADVANTAGES) == [False] * 4


def test_an_attempt_that_only_restates_the_question_covers_nothing():
    # Words the points share ("预训练模型", "cache") must not add up to any one point.
    definition_zh = "预训练模型就是先在大规模数据上训练好的模型，之后再拿来做特定任务。"
    definition_en = "A cache sits in front of the database and keeps data from it."

    assert covered(definition_zh, PRETRAINED_ADVANTAGES) == [False] * 4
    assert covered(definition_en, CACHE_TRADE_OFFS) == [False] * 4


def test_a_chinese_paraphrase_covers_the_two_points_it_restates():
    attempt = (
        "泛化能力强，学到的知识换到别的任务上也管用；而且不用从零开始训练，"
        "直接拿现成的权重来初始化，训练时间短很多。"
    )

    scores = score_key_points(attempt, PRETRAINED_ADVANTAGES)

    assert [score.covered for score in scores] == [True, False, False, True]
    assert overall_coverage(scores) == 0.5


def test_an_english_paraphrase_covers_the_two_points_it_restates():
    attempt = (
        "Latency drops a lot: reading from memory is far quicker than going to disk. "
        "The downside is that what you cached can become stale once the underlying rows "
        "change, so you give keys an expiry or invalidate them on every write."
    )

    assert covered(attempt, CACHE_TRADE_OFFS) == [True, False, True, False]


def test_a_point_still_matches_with_a_word_slipped_between_its_words():
    points = [("权重初始化", ""), ("学习率预热", "")]

    scores = score_key_points("权重要做初始化", points)

    assert scores[0].score == pytest.approx(1.0)
    assert not scores[1].covered


def test_english_matching_ignores_case_and_simple_inflections():
    attempt = "CACHING keeps LATENCIES low; RESPONSE times are faster."

    scores = score_key_points(attempt, [("Low latency", "Caches make responses faster.")])

    assert scores[0].score == pytest.approx(1.0)


def test_full_width_text_matches_its_ascii_form():
    points = [
        ("Dropout", "随机丢弃神经元以防止过拟合。"),
        ("早停", "验证集损失不再下降时停止训练。"),
    ]

    full_width, plain = (
        score_key_points(attempt, points) for attempt in ["ＤＲＯＰＯＵＴ", "Dropout"]
    )

    assert full_width == plain
    assert [score.covered for score in full_width] == [True, False]


def test_a_point_without_a_label_is_scored_on_its_detail():
    points = [("", "学习率太大时损失会震荡。"), ("", "批大小影响显存占用。")]

    assert covered("学习率设大了，损失就一直震荡", points) == [True, False]


@pytest.mark.parametrize(
    "attempt",
    [
        "",
        COOKING_ZH,
        "泛化能力强",
        reference_answer(PRETRAINED_ADVANTAGES) * 3,
        "高泛化能力 " * 50,
    ],
)
def test_a_score_is_between_zero_and_one(attempt):
    for score in score_key_points(attempt, PRETRAINED_ADVANTAGES):
        assert 0.0 <= score.score <= 1.0


def test_a_point_is_covered_from_the_threshold_up():
    assert PointScore(label="x", score=COVERED_THRESHOLD).covered
    assert not PointScore(label="x", score=COVERED_THRESHOLD - 0.01).covered


def test_overall_coverage_is_the_share_of_points_covered():
    scores = [
        PointScore(label="a", score=1.0),
        PointScore(label="b", score=COVERED_THRESHOLD),
        PointScore(label="c", score=0.0),
        PointScore(label="d", score=COVERED_THRESHOLD - 0.01),
    ]

    assert overall_coverage(scores) == 0.5


def test_overall_coverage_without_key_points_is_zero():
    assert overall_coverage(score_key_points("泛化能力强", [])) == 0.0


@pytest.mark.parametrize(
    ("coverage", "rating"),
    [
        (0.0, Rating.Again),
        (0.29, Rating.Again),
        (0.3, Rating.Hard),
        (0.59, Rating.Hard),
        (0.6, Rating.Good),
        (0.89, Rating.Good),
        (0.9, Rating.Easy),
        (1.0, Rating.Easy),
    ],
)
def test_it_suggests_a_rating_from_coverage(coverage, rating):
    assert suggest_rating(coverage) == rating


@pytest.mark.parametrize(
    ("hints_used", "rating"),
    [(0, Rating.Easy), (1, Rating.Good), (2, Rating.Hard), (3, Rating.Again), (5, Rating.Again)],
)
def test_each_hint_lowers_the_suggestion_by_one_step_but_never_below_again(hints_used, rating):
    assert suggest_rating(1.0, hints_used=hints_used) == rating


def test_a_hint_cannot_lower_again_any_further():
    assert suggest_rating(0.1, hints_used=2) == Rating.Again


def test_an_attempt_of_the_maximum_length_is_scored():
    # The bank, run on past its end, makes a long attempt with thousands of distinct terms.
    # (Its speed is measured by scripts, not asserted here.)
    attempt = (BANK.read_text(encoding="utf-8") * 2)[:ATTEMPT_MAX_LENGTH]
    points = PRETRAINED_ADVANTAGES + COOKING_POINTS + bank_questions()[9]

    scores = score_key_points(attempt, points)

    assert len(attempt) == ATTEMPT_MAX_LENGTH
    assert [score.covered for score in scores[:6]] == [True] * 4 + [False] * 2


# --- The rules of the word-level estimate ---------------------------------------------------

METRICS = [
    ("召回率", "正样本中被模型正确找出的比例。"),
    ("精确率", "被预测为正的样本中真正为正的比例。"),
    ("F1 分数", "精确率和召回率的调和平均。"),
]


def test_a_paraphrase_with_the_fields_synonyms_covers_the_point():
    attempt = "查全率看正例找回了多少；查准率看预测出的正例有多少是对的。"

    assert covered(attempt, METRICS) == [True, True, False]


def test_the_fields_abbreviations_cover_the_points_they_stand_for():
    points = [("大语言模型", "参数规模很大的语言模型。"), ("语音识别", "把语音转成文字。")]

    assert covered("LLM", points) == [True, False]
    assert covered("ASR", points) == [False, True]


def test_an_english_answer_to_a_chinese_question_covers_its_points():
    attempt = (
        "It generalizes well to new tasks, you need less labeled data, "
        "and training converges faster because you start from pretrained weights."
    )

    assert covered(attempt, PRETRAINED_ADVANTAGES) == [True, True, False, True]


def test_a_chinese_answer_to_an_english_question_covers_its_points():
    assert covered("延迟更低；缓存数据可能过期", CACHE_TRADE_OFFS) == [True, False, True, False]


@pytest.mark.parametrize(
    "attempt",
    [
        "预训练模型并不能减少数据需求。",
        "预训练模型没有减少数据需求。",
        "Pretraining does not reduce the data requirement.",
        "It doesn't reduce the need for data.",
    ],
)
def test_a_negated_statement_does_not_cover_the_point(attempt):
    assert not covered(attempt, PRETRAINED_ADVANTAGES)[1]


def test_negation_stays_in_its_clause():
    attempt = "预训练模型不能提高性能，但是能减少数据需求。"

    assert covered(attempt, PRETRAINED_ADVANTAGES) == [False, True, False, False]


def test_saying_less_is_needed_is_not_a_negation():
    assert covered("下游任务不需要那么多标注数据", PRETRAINED_ADVANTAGES)[1]


def test_a_bare_verdict_negates_what_its_sentence_said():
    assert not covered("减少数据需求这个说法，其实不对", PRETRAINED_ADVANTAGES)[1]


def test_an_answer_that_says_things_go_the_other_way_does_not_cover_the_point():
    assert not covered("用了预训练模型，模型性能反而下降了", PRETRAINED_ADVANTAGES)[2]


def test_a_point_is_matched_within_one_sentence_not_across_the_answer():
    # Each word of the label is there, but in sentences about other things.
    attempt = "数据要清洗干净。这些需求来自业务方。减少会议也很重要。"

    assert not covered(attempt, PRETRAINED_ADVANTAGES)[1]


def test_an_editors_phrasing_makes_a_point_covered():
    points = [(*METRICS[0], ["TPR"]), METRICS[1], METRICS[2]]

    assert covered("TPR 越高越好", METRICS) == [False, False, False]
    assert covered("TPR 越高越好", points) == [True, False, False]


def test_phrasings_may_be_given_as_the_lines_of_the_editors_field():
    points = [(*METRICS[0], "TPR\n\nsensitivity")]

    assert covered("sensitivity", points) == [True]


def test_the_word_lists_are_read_once_per_process():
    from questions.study.coverage import glossary

    assert glossary.groups() is glossary.groups()
    assert glossary.word_lists() is glossary.word_lists()
