"""The coverage estimate's shortcuts for long answers find exactly what the plain ways find."""

import random
import re
import unicodedata
from bisect import bisect_right
from pathlib import Path

import pytest

from questions.study.coverage import answer, lexicon, text
from questions.study.coverage.answer import Answer

BANK = Path(__file__).resolve().parent.parent / "questions" / "data" / "pretrained-models.md"

# The patterns as first written: plain to read, slow on a long answer.
PLAIN_SENTENCE_BREAK = re.compile(
    r"[\n。！？!?；;…]+|\.(?!\w)|(?<=\s)\d+[.、)]\s|[①-⑳]|\(\d+\)|（\d+）"
)
PLAIN_TOKEN = re.compile(
    rf"([{text._HAN}]+)|([^\W_](?:[^\W_]|[-'’](?=[^\W_]))*)|([,，:：()（）\[\]【】\"“”]|\s-\s)"
)


def random_texts(pieces, count, longest):
    rng = random.Random(18)
    return ["".join(rng.choices(pieces, k=rng.randint(1, longest))) for _ in range(count)]


def test_normalising_between_ideographs_gives_the_nfkc_of_the_whole_text():
    # Marks that combine ("e\u0301", "=\u0338"), that follow an ideograph and are reordered,
    # compatibility ideographs and radicals (which NFKC turns into ideographs), kana marks,
    # Hangul jamo, full-width forms.
    pieces = [
        *"中文模型㐀䶿鿿丁abcAeé＝ＧＰＴ：，（）①ﬁ½² \n",
        *("\u0301", "\u0323", "\u0338", "\u302a", "\u3099", "\u309a", "\u1100", "\u1161"),
        *("\u11a8", "\uac00", "\uf900", "\ufa0e", "\u2f00", "\u3000", "\uff76", "\uff9e"),
    ]
    samples = [
        "中\u0301\u0323",
        "e\u0301中",
        "=\u0338",
        "\uf900中",
        "ＧＰＴ模型",
        *random_texts(pieces, 20_000, 12),
    ]

    for sample in samples:
        assert text.normalize(sample) == unicodedata.normalize("NFKC", sample).casefold(), sample


def test_the_sentence_breaks_and_tokens_are_the_plain_patterns():
    pieces = [
        *"\n。！？!?；;….,，:：()（）[]【】\"“”-'’ \t0123456789①⑩⑳⑴aZé_中文、)",
        *("\u0661", "\u00b2", "\u3000", "n't", " - ", "1. ", "2、", "(3)", "（4）", "3.5", ".net"),
    ]
    samples = [BANK.read_text(encoding="utf-8"), *random_texts(pieces, 20_000, 14)]

    for sample in samples:
        assert text._SENTENCE_BREAK.split(sample) == PLAIN_SENTENCE_BREAK.split(sample), sample
        assert text._TOKEN.findall(sample) == PLAIN_TOKEN.findall(sample), sample


def test_runs_segmented_together_have_the_words_each_has_alone():
    runs = [*re.findall(f"[{text._HAN}]+", BANK.read_text(encoding="utf-8")), "中", "㐀", "\uf900"]

    assert text.segment_runs(runs) == [text._segmenter().cut(run) for run in runs]
    assert text.segment_runs([]) == []


def searched_in_the_whole_text(found: Answer, phrase: str) -> set[int]:
    clauses, end = set(), len(phrase.removesuffix(" "))
    position = found.text.find(phrase)
    while position >= 0:
        if position + end in found.ends:
            clauses.add(bisect_right(found.starts, position) - 1)
        position = found.text.find(phrase, position + 1)
    return clauses


@pytest.mark.parametrize(
    "searched_per_clause",
    [0, answer.SEARCHED_PER_CLAUSE, 10**9],
    ids=["clauses-searched", "as-shipped", "whole-text-searched"],
)
def test_a_phrase_is_found_in_the_clauses_where_the_whole_text_has_it(
    monkeypatch, searched_per_clause
):
    monkeypatch.setattr(answer, "SEARCHED_PER_CLAUSE", searched_per_clause)
    bank = BANK.read_text(encoding="utf-8")
    terms = [
        each
        for clause in text.clauses(bank)
        for term in lexicon.terms_of(list(clause.words))
        for each in (term, *term.parts)
    ]
    phrases = {phrase for term in terms for phrase in term.phrases}
    attempts = [
        bank,
        bank[5_000:8_000],
        "标注数据很贵，数据集很大；学习率要调，学习的速度",
        "relearn rate, learning rate and the learn rate of GPT 模型",
    ]

    for attempt in attempts:
        found = Answer(attempt)
        for phrase in phrases:
            assert found.clauses_with_phrase(phrase) == searched_in_the_whole_text(found, phrase)
