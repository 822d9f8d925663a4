"""An attempt, cut into clauses once, with the look-ups every term of every point makes."""

from bisect import bisect_right

from questions.study.coverage import lexicon, text

# Searching the clauses that may have a phrase beats one search of the whole text when there are
# fewer of them than one for this many characters of the text.
SEARCHED_PER_CLAUSE = 100


class Answer:
    def __init__(self, attempt: str):
        self.clauses = text.clauses(attempt)
        # One string for all clauses, so each phrase is searched once however long the attempt.
        self.text, self.starts, self.ends = text.join_clauses(
            clause.words for clause in self.clauses
        )
        # Which clauses have each word, are negated, say which way things go: the look-ups
        # below are then set operations rather than a loop over a long answer's clauses.
        self._clauses_with_word = with_word = {}
        negated, self._going = [], {}
        for number, clause in enumerate(self.clauses):
            for word in clause.words:
                if word in with_word:
                    with_word[word].append(number)
                else:
                    with_word[word] = [number]
            if clause.negated:
                negated.append(number)
            for direction in clause.directions:
                self._going.setdefault(direction, set()).add(number)
        self._negated = frozenset(negated)
        self._sentence_of = [clause.sentence for clause in self.clauses]
        self._stops = [*self.starts[1:], len(self.text)]  # where each clause's text ends
        self._words_ending = {}  # last character -> the words that end with it
        for word in with_word:
            self._words_ending.setdefault(word[-1], []).append(word)
        # A phrase with a character the text lacks is not in it, which a set tells faster
        # than a search of a long text. The text is the words and the spaces between them.
        self._characters = set(" ".join(with_word))
        self._characters.add(" ")
        self._with_phrase = {}  # terms of one glossary group share their phrases
        self._found = {}
        self.sentences = {}  # the points' look-ups of the sentences matching a term

    def clauses_with(self, term: lexicon.Term, negated: bool) -> set[int]:
        """The clauses that match the term, as far as the point's polarity allows.

        A point that says something is not so ("无法适应新领域") is matched by a clause that
        says it either way; an affirmative point only by an affirmative clause.
        """
        key = (term.key, negated)
        if key not in self._found:
            found = self._clauses_matching(term)
            self._found[key] = found if negated else found - self._negated
        return self._found[key]

    def clauses_going(self, directions: frozenset) -> set[int]:
        """The clauses that say things go any of these ways ("up", "slow", …)."""
        return set().union(*(self._going.get(direction, ()) for direction in directions))

    def sentences_of(self, clauses) -> set[int]:
        return set(map(self._sentence_of.__getitem__, clauses))

    def _clauses_matching(self, term: lexicon.Term) -> set[int]:
        found = set()
        for word in term.words:
            found.update(self._clauses_with_word.get(word, ()))
        for phrase in term.phrases:
            if phrase not in self._with_phrase:
                self._with_phrase[phrase] = self.clauses_with_phrase(phrase)
            found |= self._with_phrase[phrase]
        return found

    def clauses_with_phrase(self, phrase: str) -> set[int]:
        """The clauses with the phrase (one of a term's canonical texts) ending where a word ends.

        "数据" is found in "标注数据" (a Chinese compound is a kind of its last word), but not
        in "数据集"; English words stand between spaces, so "learn rat" is not found in
        "relearn rate".
        """
        found = set()
        if not self._characters.issuperset(phrase) or (
            phrase[0] == " " and phrase.split(None, 1)[0] not in self._clauses_with_word
        ):
            return found
        text, starts, ends, with_word = self.text, self.starts, self.ends, self._clauses_with_word
        # The word where a match ends either ends with the phrase ("标注数据" for "数据"), and
        # every clause with that word has it, or is the end of the phrase ("率" of "学习率",
        # "rat" of "learn rat"), which a search of the clauses with that word tells; when they
        # are many, one search of the whole text is quicker. A word has no spaces, so only the
        # phrase's last word can be one, or end with it.
        core = phrase.removesuffix(" ")
        last = core.rfind(" ") + 1
        if not last:
            for word in self._words_ending.get(core[-1], ()):
                if word.endswith(core):
                    found.update(with_word[word])
        spanning = set()
        for start in range(last or 1, len(core)):
            spanning.update(with_word.get(core[start:], ()))
        spanning -= found
        if len(spanning) * SEARCHED_PER_CLAUSE < len(text):
            for number in spanning:
                stop = self._stops[number]
                position = text.find(phrase, starts[number], stop)
                while position >= 0 and position + len(core) not in ends:
                    position = text.find(phrase, position + 1, stop)
                if position >= 0:
                    found.add(number)
            return found
        position = text.find(phrase)
        while position >= 0:
            if position + len(core) in ends:
                found.add(bisect_right(starts, position) - 1)
            position = text.find(phrase, position + 1)
        return found
