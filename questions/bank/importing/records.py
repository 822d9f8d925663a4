import re
from dataclasses import dataclass
from functools import cached_property

from django.utils.text import slugify

from questions.bank import answers

JSON_FORMAT = "interview-prep-questions"
JSON_VERSION = 1
MARKDOWN_SUFFIXES = {".md", ".markdown", ".txt"}
JSON_SUFFIXES = {".json"}

# Bulk queries and progress reports go this many questions at a time.
BATCH_SIZE = 1000

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"

# Field lengths the database enforces (PostgreSQL refuses longer values, SQLite does not):
# checking them up front turns a failed transaction into an error with a line number.
MAX_LENGTHS = {
    "title": 200,
    "external_key": 200,
    "source": 100,
    "language": 10,
    "topic name": 100,
    "topic slug": 100,
    "tag": 60,
    "key point label": 200,
}
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SLUG_RE = re.compile(r"^[-\w]+$")
TOPIC_WITH_SLUG_RE = re.compile(r"^(?P<name>.+) \((?P<slug>[-\w]+)\)$")


class ImportFileError(Exception):
    """Problems found in one or more files, each a (path, line, message); line may be None."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__(
            "\n".join(
                f"{path}:{line}: {message}" if line else f"{path}: {message}"
                for path, line, message in self.errors
            )
        )


@dataclass
class ParsedQuestion:
    path: str
    line: int
    external_key: str
    title: str
    prompt: str
    answer: str
    explanation: str
    key_points: list  # [(label, detail), …], positions 1..n in order
    source: str
    position: int
    language: str
    topic_name: str
    topic_slug: str
    # None means the file does not say: a new question gets the model default, an existing one
    # keeps what an editor may have set in the admin.
    difficulty: str | None = None
    is_published: bool | None = None
    tags: list | None = None
    # Per key point, in order, the editors' accepted phrasings ([] for none); None means the
    # file does not say, and an existing question keeps the phrasings it has.
    phrasings: list | None = None

    def stored_answer(self):
        """The Question fields that store the answer with the key points (the answer split
        around their list, or whole): questions/bank/answers.py. Computed once: an import
        computes it before its write transaction (importing.prepare)."""
        return self._stored_answer

    @cached_property
    def _stored_answer(self):
        return answers.stored_answer(self.answer, self.key_points, self.language)

    @cached_property
    def search_text(self):
        """The search_text of the question as the file gives it."""
        from questions.bank.models import Question  # the models read this package's records

        return Question.search_text_of(self.title, self.prompt, self.answer, self.key_points)


def prepare(parsed):
    """Compute what writing these questions needs from them alone (stored answers, search
    texts) before the write transaction, so that SQLite's single write lock is held for the
    writes only."""
    for question in parsed:
        question.stored_answer()
        question.search_text  # noqa: B018  (a cached property, computed here)


# --- Parsing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    label: str  # the source label: --source, else the file's stem
    source: str | None
    topic: tuple | None  # (name, slug) from --topic
    language: str | None

    def source_for(self, given):
        # An empty source in the file is kept: it is what the question had when exported.
        if self.source:
            return self.source
        return self.label if given is None else given

    def topic_for(self, given):
        return self.topic or given or (self.label, slugify(self.label, allow_unicode=True))

    def language_for(self, given, *texts):
        if self.language or given:
            return self.language or given
        return "zh-hans" if any(CJK_RE.search(text) for text in texts) else "en"
