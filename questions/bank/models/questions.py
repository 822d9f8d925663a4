"""The bank: topics, tags, questions and their key points."""

from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from questions.bank import answers

# Lets constraints say text__length__lte (the attempt text limit, enforced by the database).
models.TextField.register_lookup(Length)


def normalize_newlines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- The bank ---------------------------------------------------------------------------------


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, allow_unicode=True, help_text=_("Used in URLs.")
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Topics are listed by position, then name.")
    )
    suggested_answer_seconds = models.PositiveIntegerField(
        _("suggested answer time (seconds)"),
        null=True,
        blank=True,
        help_text=_(
            "How long an answer to this topic's questions should take in an interview, for the "
            "practice timer. Empty: the site's default."
        ),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("questions:list") + f"?topic={self.slug}"


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def in_topic(self, topic):
        return self.filter(topic=topic) if topic else self

    def in_bank_order(self):
        return self.order_by("source", "position", "id")


# The question's own texts in its search_text: saving any of them rebuilds it.
SEARCHED_FIELDS = frozenset(
    {"title", "prompt", "answer", "answer_closing", "compose_key_points", "language"}
)


class Question(models.Model):
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="questions", verbose_name=_("topic")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions", verbose_name=_("tags"))
    title = models.CharField(_("title"), max_length=200)
    prompt = models.TextField(_("prompt"), help_text=_("Markdown. What the user is asked."))
    # The reference answer is these two texts around the key point rows, composed by
    # reference_answer() (questions/bank/answers.py): the list learners read is the rows.
    answer = models.TextField(
        _("reference answer"),
        blank=True,
        help_text=_(
            "Markdown. What comes before the key points, which are listed after it as a "
            "numbered list; or, when the key points are not listed, the whole answer."
        ),
    )
    answer_closing = models.TextField(
        _("reference answer: closing"),
        blank=True,
        help_text=_("Markdown. What comes after the numbered key points, if anything."),
    )
    compose_key_points = models.BooleanField(
        _("list the key points in the answer"),
        default=False,
        help_text=_(
            "On: learners read the answer above, the key points below as a numbered list, then "
            "the closing. Off: the answer above is read as it is, and must say the key points "
            "itself (answers imported with a list written otherwise are kept so)."
        ),
    )
    explanation = models.TextField(_("explanation"), blank=True, help_text=_("Markdown."))
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    language = models.CharField(
        _("language"), max_length=10, default="zh-hans", help_text=_("e.g. zh-hans, en")
    )
    source = models.CharField(
        _("source"), max_length=100, blank=True, help_text=_("Where the question comes from.")
    )
    external_key = models.CharField(
        _("external key"),
        max_length=200,
        unique=True,
        help_text=_("Stable identity used by imports: source:number, e.g. pretrained-models:1."),
    )
    position = models.PositiveIntegerField(_("position"), default=0, help_text=_("Within source."))
    suggested_answer_seconds = models.PositiveIntegerField(
        _("suggested answer time (seconds)"),
        null=True,
        blank=True,
        help_text=_(
            "How long a spoken answer should take in an interview, for the practice timer. "
            "Empty: the topic's time, else the site's default."
        ),
    )
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # What /questions/?q= looks in (questions/search.py), derived from the texts above and the
    # key points: save() and the key point signals keep it, bulk writers call
    # refresh_search_texts() or search_text_of(). Indexed by migration 0006.
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)

    objects = QuestionQuerySet.as_manager()
    # search_text is derived: a version restores the texts, and save() derives it again. The
    # tags are recorded with each version, so that restoring it brings them back.
    history = HistoricalRecords(excluded_fields=["updated_at", "search_text"], m2m_fields=["tags"])

    class Meta:
        ordering = ["source", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [
            # The bank order: new questions for practice and the /questions/ list.
            models.Index(fields=["source", "position", "id"], name="question_bank_order"),
            # The few unpublished questions, without reading the rows: the day's due count
            # leaves their cards out this way (scheduling.day_progress). Partial, so that it
            # never stands in for a scan of the published ones.
            models.Index(
                fields=["is_published"],
                condition=models.Q(is_published=False),
                name="question_unpublished",
            ),
            # The bank's version (questions/bank/facts.py): its newest change without a scan.
            models.Index(fields=["updated_at"], name="question_updated"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        """Rebuilds search_text first: one more query (the key points), none for a new question."""
        # One line, as every export writes it and every import requires; browsers send a
        # textarea's line breaks as CRLF, which the importers read as LF.
        self.title = " ".join(self.title.splitlines())
        for name in ("prompt", "answer", "answer_closing", "explanation"):
            setattr(self, name, normalize_newlines(getattr(self, name)))
        update_fields = kwargs.get("update_fields")
        texts_saved = update_fields is None or not SEARCHED_FIELDS.isdisjoint(update_fields)
        if texts_saved:
            points = (
                []
                if self.pk is None
                else list(self.key_points.order_by("position").values_list("label", "detail"))
            )
            answer = self.reference_answer_of(points)
            self.search_text = self.search_text_of(self.title, self.prompt, answer, points)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)
        if texts_saved:
            from questions.bank import edits  # edits reads this module's models

            edits.questions_changed([self.pk], search_text=False)

    def get_absolute_url(self):
        return reverse("questions:detail", args=[self.pk])

    def answer_seconds(self):
        """The practice timer's suggested time: the question's, its topic's, or the default."""
        return (
            self.suggested_answer_seconds
            or self.topic.suggested_answer_seconds
            or settings.ANSWER_TIME_SECONDS
        )

    def clean(self):
        if not self.compose_key_points and not self.answer.strip():
            raise ValidationError({"answer": _("Write the answer, or list the key points in it.")})

    def reference_answer(self):
        """The markdown of the reference answer, as learners read it and exports write it.

        One query for the key points, none when they are prefetched.
        """
        return self.reference_answer_of(point.as_pair() for point in self.key_points.all())

    def reference_answer_of(self, key_points):
        """The reference answer with these (label, detail) key points, in position order."""
        return answers.reference_answer(
            self.answer, self.answer_closing, self.compose_key_points, self.language, key_points
        )

    def set_reference_answer(self, answer, key_points):
        """Store this answer text, whose key points are these (label, detail) pairs: split
        around their list when it is written as reference_answer() writes it, else whole.
        The key point rows are the caller's to write."""
        for name, value in answers.stored_answer(answer, key_points, self.language).items():
            setattr(self, name, value)

    @staticmethod
    def search_text_of(title, prompt, answer, key_points):
        """The search_text of a question with these texts and (label, detail) key points.

        Casefolded, so that a casefolded term matches in any script (ÉCOLE, école); one text
        per line, so that a term (which has no whitespace) never matches across two texts.
        """
        texts = [title, prompt, answer, *(text for point in key_points for text in point)]
        return "\n".join(texts).casefold()

    @classmethod
    def refresh_search_texts(cls, ids, batch_size=1000):
        """Rebuild search_text of these questions from the database (missing ids are skipped).

        For writers that bypass save() and the key point signals (bulk_create, bulk_update,
        update()). Per batch_size questions: the questions, their key points, and one bulk
        update of those whose text changed.
        """
        ids = sorted(set(ids))
        for start in range(0, len(ids), batch_size):
            batch = ids[start : start + batch_size]
            points = defaultdict(list)
            rows = (
                KeyPoint.objects.filter(question_id__in=batch)
                .order_by("question_id", "position")
                .values_list("question_id", "label", "detail")
            )
            for question_id, label, detail in rows:
                points[question_id].append((label, detail))
            changed = []
            questions = (
                cls.objects.filter(pk__in=batch).order_by().only(*SEARCHED_FIELDS, "search_text")
            )
            for question in questions:
                answer = question.reference_answer_of(points[question.pk])
                text = cls.search_text_of(
                    question.title, question.prompt, answer, points[question.pk]
                )
                if text != question.search_text:
                    question.search_text = text
                    changed.append(question)
            cls.objects.bulk_update(changed, ["search_text"])


def phrasing_lines(text):
    """A key point's accepted phrasings: one per line of its field, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class KeyPoint(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="key_points", verbose_name=_("question")
    )
    position = models.PositiveIntegerField(_("position"))
    label = models.CharField(_("label"), max_length=200, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    phrasings = models.TextField(
        _("accepted phrasings"),
        blank=True,
        help_text=_(
            "One accepted phrasing per line: a synonym, an abbreviation or an English form. "
            "An answer that uses one is counted as covering the point, as if it used the label."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "position"]
        verbose_name = _("key point")
        verbose_name_plural = _("key points")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"], name="keypoint_unique_position"
            ),
        ]

    def __str__(self):
        return self.label or self.detail[:60]

    def save(self, *args, **kwargs):
        self.label = " ".join(self.label.splitlines())  # one line, as in Question.save()
        self.detail = normalize_newlines(self.detail)
        super().save(*args, **kwargs)
        from questions.bank import edits  # edits reads this module's models

        edits.questions_changed([self.question_id])

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        from questions.bank import edits

        edits.questions_changed([self.question_id])
        return result

    def as_pair(self):
        return (self.label, self.detail)

    def phrasing_list(self):
        return phrasing_lines(self.phrasings)

    def as_scored(self):
        """(label, detail, phrasings): what the coverage estimate scores an answer against."""
        return (self.label, self.detail, self.phrasing_list())
