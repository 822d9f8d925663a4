"""A question's key points, analysed once: their terms in slots, weighed by how distinctive each
is among the question's points, and how one sentence of an answer scores against them."""

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache

from questions.study.coverage import lexicon, text
from questions.study.coverage.answer import Answer

# A detail restates its label in a sentence of many words; an answer that makes the same point
# in its own words matches only some of them, so this share of the detail counts as all of it.
DETAIL_ENOUGH = 0.4
# A long Chinese word that the answer only uses in part ("数据" for "数据量") earns at most this
# share of it, in proportion to the weight of the parts found.
PART_CREDIT = 0.5
# A term found in k of a question's n points weighs (log((n+1)/k) / log(n+1)) ** IDF_POWER:
# a term of every point ("预训练模型") tells nothing about which one the answer covers.
IDF_POWER = 2
# A label's word that weighs less than this share of its heaviest word hardly tells it apart.
TELLING_SHARE = 0.25

# "such as", "for example", "e.g." introduce examples too (grammar.txt has the single words).
_EXAMPLE_PAIRS = (("such", "as"), ("for", "exampl"), ("e", "g"))
# The halves of a label such as "透明度和可解释性", either of which makes the point.
_CONJUNCTIONS = re.compile(r"\s*(?:和|与|及|以及|或|或者|、|/|&|\band\b|\bor\b)\s*")


@dataclass(frozen=True)
class Item:
    term: lexicon.Term
    negated: bool  # the point says it in a negated clause
    weight: float
    part_weights: tuple  # of the term's parts, for part credit


@dataclass(frozen=True)
class Slot:
    """A term of a point, or terms that say one thing: the examples a point lists, or synonyms
    it repeats ("RAM … disk storage" after "memory … disk"). Any one of them will do."""

    items: tuple  # of Item
    weight: float  # its heaviest item's


@dataclass(frozen=True)
class PointModel:
    label: tuple  # of Slot
    label_parts: tuple  # of tuples of Slot: the halves of "A和B", when the label has two
    detail: tuple  # of Slot
    phrasings: tuple  # of tuples of Slot: the editors' accepted phrasings
    directions: frozenset  # which ways the label says things go ("up" for "提高模型性能")

    def score(self, answer: Answer) -> float:
        """The best share of the label, a phrasing, or the detail that one sentence matches."""
        best = 0.0
        groups = [(self.label, 1.0), (self.detail, DETAIL_ENOUGH)]
        groups += [(slots, 1.0) for slots in (*self.label_parts, *self.phrasings)]
        for slots, enough in groups:
            total = sum(slot.weight for slot in slots) * enough
            if not total:
                continue
            # A label of common words only ("应用效果") is matched in part by any answer that
            # talks about the topic: two of its words are needed (of those that tell it from
            # the other labels: not "模型" in "模型训练" among "模型评估", "模型保存" …).
            common_only = enough == 1.0 and all(
                item.term.weight <= lexicon.COMMON_WEIGHT for slot in slots for item in slot.items
            )
            telling = max(slot.weight for slot in slots) * TELLING_SHARE
            needed = min(2, sum(slot.weight >= telling for slot in slots)) if common_only else 1
            # Only the sentences that match something are added up: a long answer has many.
            # A sentence counts when enough of its slots tell the point apart.
            earned, found = {}, {}
            for slot in slots:
                weight, tells = slot.weight, slot.weight >= telling
                for sentence, credit in self._credits(slot, answer).items():
                    earned[sentence] = earned.get(sentence, 0.0) + weight * credit
                    if tells:
                        found[sentence] = found.get(sentence, 0) + 1
            counted = [earned[sentence] for sentence, count in found.items() if count >= needed]
            if counted:
                best = max(best, max(counted) / total)
        return min(best, 1.0)

    def _credits(self, slot: Slot, answer: Answer) -> dict[int, float]:
        """Sentence -> the share of the slot's weight that the sentence earns."""
        credit = {}
        for item in slot.items:
            scale = item.weight / slot.weight if slot.weight else 0.0
            sentences = self._sentences(answer, item.term, item.negated)
            if credit:
                for sentence in sentences:
                    credit[sentence] = max(credit.get(sentence, 0.0), scale)
            else:
                credit = dict.fromkeys(sentences, scale)
            if not item.term.parts:
                continue
            # Parts that weigh little ("数据" in "数据量") earn little of the term, and always
            # less than the whole term: the sentences that have it are left out.
            total = max(sum(item.part_weights), item.weight)
            earned = {}
            for part, weight in zip(item.term.parts, item.part_weights, strict=True):
                for sentence in self._sentences(answer, part, item.negated) - sentences:
                    earned[sentence] = earned.get(sentence, 0.0) + weight
            for sentence, weight in earned.items():
                share = scale * PART_CREDIT * weight / total
                credit[sentence] = max(credit.get(sentence, 0.0), share)
        return credit

    def _sentences(self, answer: Answer, term: lexicon.Term, negated: bool) -> set[int]:
        # A clause that says things go the other way than the point ("性能反而下降" against
        # "提高模型性能"), and not also its way, contradicts it. A point about something that
        # is lacking ("可解释性较低") is also made by denying the thing ("没法解释").
        negated = negated or "bad" in self.directions
        key = (term.key, negated, self.directions)
        if key not in answer.sentences:
            clauses = answer.clauses_with(term, negated)
            if self.directions:
                against = frozenset(text.OPPOSITE[direction] for direction in self.directions)
                clauses = clauses - (
                    answer.clauses_going(against) - answer.clauses_going(self.directions)
                )
            answer.sentences[key] = answer.sentences_of(clauses)
        return answer.sentences[key]


@lru_cache(maxsize=1024)
def point_models(points: tuple) -> tuple[PointModel, ...]:
    """The models of one question's points, each (label, detail, phrasings) as strings."""
    analysed = [
        (
            _slots(label),
            [_slots(part) for part in _conjuncts(label)],
            _slots(detail),
            [_slots(phrasing) for phrasing in phrasings],
        )
        for label, detail, phrasings in points
    ]
    # A detail that names another point's label ("F1 是精确率和召回率的调和平均") speaks of
    # that point there: those words are left out of its own detail.
    label_keys = [
        {key for slot in label for term, _negated in slot for key in _keys(term)}
        for label, _parts, _detail, _phrasings in analysed
    ]
    for index, (_label, _parts, detail, _phrasings) in enumerate(analysed):
        others = set().union(*(keys for other, keys in enumerate(label_keys) if other != index))
        others -= label_keys[index]
        detail[:] = [
            slot
            for slot in detail
            if not any({term.key, *term.groups} & others for term, _negated in slot)
        ]
    # A label is weighed against the other labels, whose job it shares: telling the points
    # apart ("模型训练" from "模型评估"). A detail is weighed against all the points' texts.
    in_labels = _frequencies([label + sum(phrasings, []) for label, _, _, phrasings in analysed])
    in_texts = _frequencies(
        [label + detail + sum(phrasings, []) for label, _, detail, phrasings in analysed]
    )

    def weighed(slots, frequency):
        def weight(term):
            return term.weight * _idf(_frequency(term, frequency), len(points))

        weighed_slots = []
        for slot in slots:
            items = tuple(
                Item(term, negated, weight(term), tuple(map(weight, term.parts)))
                for term, negated in slot
            )
            weighed_slots.append(Slot(items, max(item.weight for item in items)))
        return tuple(weighed_slots)

    models = []
    for (label, parts, detail, phrasings), (label_text, detail_text, _phrasings) in zip(
        analysed, points, strict=True
    ):
        models.append(
            PointModel(
                label=weighed(label, in_labels),
                label_parts=tuple(weighed(part, in_labels) for part in parts)
                if len(parts) > 1
                else (),
                detail=weighed(detail, in_texts),
                phrasings=tuple(weighed(phrasing, in_labels) for phrasing in phrasings),
                directions=_directions(label_text, label, detail_text),
            )
        )
    return tuple(models)


def _directions(label_text: str, label: list, detail_text: str) -> frozenset[str]:
    """Which ways the point says things go: its label's ("提高模型性能"), or when the label says
    none, whether the detail says that the label's thing is lacking ("使得模型的可解释性较低"):
    only that is clear enough to contradict an answer with."""
    directions = frozenset().union(*(clause.directions for clause in text.clauses(label_text)))
    if directions:
        return directions
    keys = {key for slot in label for term, _negated in slot for key in _keys(term)}
    return frozenset({"bad"}) & frozenset().union(
        *(
            clause.directions
            for clause in text.clauses(detail_text)
            if keys & {key for term in lexicon.terms_of(list(clause.words)) for key in _keys(term)}
        )
    )


def _keys(term: lexicon.Term) -> set:
    return {term.key, *term.groups, *(part.key for part in term.parts)}


def _slots(phrase: str) -> list[list[tuple[lexicon.Term, bool]]]:
    """The distinct terms of a point's text, each with the polarity of its clause, in slots."""
    slots, seen, slot_of_group = [], set(), {}
    for clause in text.clauses(phrase):
        # A point's own clause is negated only by a plain "not" ("无法适应"): "删除不必要的层"
        # says to remove layers.
        if clause.negated and text.grammar().plain_negators.isdisjoint(clause.words):
            clause = replace(clause, negated=False)
        for examples, run in _runs_of_examples(list(clause.words)):
            terms = [term for term in lexicon.terms_of(run) if term.key not in seen]
            seen.update(term.key for term in terms)
            if examples and terms:
                slots.append([(term, clause.negated) for term in terms])
                continue
            for term in terms:
                same = next(
                    (slot_of_group[group] for group in term.groups if group in slot_of_group),
                    None,
                )
                if same is not None:
                    same.append((term, clause.negated))
                    continue
                slots.append([(term, clause.negated)])
                slot_of_group.update(dict.fromkeys(term.groups, slots[-1]))
    return slots


def _runs_of_examples(words: list[str]):
    """(whether it lists examples, its words) for each run of a clause's words."""
    grammar = text.grammar()
    run, examples, index = [], False, 0
    while index < len(words):
        word, pair = words[index], tuple(words[index : index + 2])
        starts = not examples and (word in grammar.examples or pair in _EXAMPLE_PAIRS)
        if starts or (examples and word in grammar.end_of_examples):
            if run:
                yield examples, run
            run, examples = [], not examples
            index += 2 if pair in _EXAMPLE_PAIRS else 1
            continue
        run.append(word)
        index += 1
    if run:
        yield examples, run


def _conjuncts(label: str) -> list[str]:
    return [part for part in _CONJUNCTIONS.split(label) if part.strip()]


def _frequencies(points_slots) -> dict:
    """Term key or glossary group -> the number of points whose slots have it, in any of its
    words ("RAM" in one point and "memory" in another are one thing said twice)."""
    frequency = {}
    for slots in points_slots:
        keys = set()
        for slot in slots:
            for term, _negated in slot:
                for each in (term, *term.parts):
                    keys.add(each.key)
                    keys.update(each.groups)
        for key in keys:
            frequency[key] = frequency.get(key, 0) + 1
    return frequency


def _frequency(term: lexicon.Term, frequency: dict) -> int:
    return max(frequency.get(key, 1) for key in (term.key, *term.groups))


def _idf(frequency: int, point_count: int) -> float:
    if point_count < 2:
        return 1.0
    return (math.log((point_count + 1) / frequency) / math.log(point_count + 1)) ** IDF_POWER
