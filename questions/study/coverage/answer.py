"""An attempt, cut into clauses once, with the look-ups every term of every point makes."""

from bisect import bisect_right

from questions.study.coverage import lexicon, text


class Answer:
    def __init__(self, attempt: str):
        self.clauses = text.clauses(attempt)
        # One string for all clauses, so each phrase is searched once however long the attempt.
        self.text, self.starts, self.ends = text.join_clauses(
            clause.words for clause in self.clauses
        )
        self._clauses_with_word = {}
        for number, clause in enumerate(self.clauses):
            for word in clause.words:
                self._clauses_with_word.setdefault(word, []).append(number)
        # A phrase with a character the text lacks is not in it, which a set tells faster
        # than a search of a long text.
        self._characters = set(self.text)
        self._found = {}
        self.sentences = {}  # the points' look-ups of the sentences matching a term

    def clauses_with(self, term: lexicon.Term, negated: bool) -> frozenset[int]:
        """The clauses that match the term, as far as the point's polarity allows.

        A point that says something is not so ("无法适应新领域") is matched by a clause that
        says it either way; an affirmative point only by an affirmative clause.
        """
        key = (term.key, negated)
        if key not in self._found:
            self._found[key] = frozenset(
                number
                for number in self._clauses_matching(term)
                if negated or not self.clauses[number].negated
            )
        return self._found[key]

    def _clauses_matching(self, term: lexicon.Term) -> set[int]:
        found = set()
        for word in term.words:
            found.update(self._clauses_with_word.get(word, ()))
        for phrase in term.phrases:
            if not self._characters.issuperset(phrase) or (
                phrase[0] == " " and phrase.split(None, 1)[0] not in self._clauses_with_word
            ):
                continue
            # A phrase ends where a word of the answer ends: "数据" is found in "标注数据" (a
            # Chinese compound is a kind of its last word), but not in "数据集"; English words
            # stand between spaces, so "learn rat" is not found in "relearn rate".
            tail = phrase.endswith(" ")
            position = self.text.find(phrase)
            while position >= 0:
                if position + len(phrase) - tail in self.ends:
                    found.add(bisect_right(self.starts, position) - 1)
                position = self.text.find(phrase, position + 1)
        return found
