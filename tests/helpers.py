"""Test helpers that are not fixtures: simulated learners for the scheduler's fit, the practice
flow (reveal, grade) through the test client, and the admin's change form."""

import contextlib
import copy
import heapq
import itertools
import random
import re
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.template.loader import get_template
from django.test import override_settings
from django.urls import reverse
from fsrs import Card, Rating, Scheduler

DEFAULT_PARAMETERS = tuple(Scheduler().parameters)
_batches = itertools.count(1)


def forgetful_parameters():
    """A memory that fades faster than FSRS's defaults assume: initial stabilities a third of
    theirs and slower growth after each success."""
    parameters = list(DEFAULT_PARAMETERS)
    for index in range(4):
        parameters[index] *= 0.3
    parameters[8] = 1.2
    return tuple(parameters)


def simulated_attempts(
    *,
    memory=DEFAULT_PARAMETERS,
    cards=300,
    days=200,
    new_per_day=5,
    seed=1,
    start=datetime(2025, 1, 1, 8, tzinfo=UTC),
    mode="review",
):
    """(question_id, created_at, rating, mode) rows of a learner who studies once a day with
    the default scheduler while their memory follows FSRS with `memory`: each review is
    remembered with the probability that memory gives, and graded Hard/Good/Easy if so."""
    rng = random.Random(seed)
    scheduler = Scheduler(enable_fuzzing=False)
    truth = Scheduler(parameters=memory, enable_fuzzing=False)
    scheduled, true_cards, due = {}, {}, []
    rows = []
    introduced = 0
    for day in range(days):
        now = start + timedelta(days=day, minutes=rng.uniform(0, 120))
        for _ in range(new_per_day):
            if introduced < cards:
                introduced += 1
                scheduled[introduced] = Card(card_id=introduced, due=now)
                true_cards[introduced] = Card(card_id=introduced, due=now)
                heapq.heappush(due, (now, introduced))
        session_end = now + timedelta(minutes=40)
        while due and due[0][0] <= session_end:
            at, question_id = heapq.heappop(due)
            now = max(now, at)
            true_card = true_cards[question_id]
            if true_card.last_review is None:
                rating = rng.choices([1, 2, 3, 4], [30, 15, 45, 10])[0]
            else:
                recall = truth.get_card_retrievability(true_card, now)
                if (now - true_card.last_review).days == 0:
                    recall = 0.95
                remembered = rng.random() < recall
                rating = rng.choices([2, 3, 4], [15, 70, 15])[0] if remembered else 1
            card, _log = scheduler.review_card(scheduled[question_id], Rating(rating), now)
            scheduled[question_id] = card
            true_cards[question_id], _log = truth.review_card(true_card, Rating(rating), now)
            heapq.heappush(due, (card.due, question_id))
            rows.append((question_id, now, rating, mode))
            now += timedelta(seconds=rng.uniform(30, 120))
    return rows


def store_attempts(user, rows):
    """Save (question_id, created_at, rating, mode) rows as the user's attempts, on published
    questions made for them (one per question id). Only attempts: the fit reads nothing else."""
    from questions.bank.models import Question, Topic
    from questions.study.models import Attempt

    topic, _created = Topic.objects.get_or_create(slug="simulated", defaults={"name": "Simulated"})
    numbers = sorted({question_id for question_id, *_rest in rows})
    batch = next(_batches)
    questions = Question.objects.bulk_create(
        Question(
            topic=topic,
            title=f"Simulated {batch}-{number}",
            prompt="?",
            answer="!",
            external_key=f"simulated:{batch}-{number}",
            position=number,
        )
        for number in numbers
    )
    by_number = dict(zip(numbers, questions, strict=True))
    Attempt.objects.bulk_create(
        Attempt(
            user=user,
            question=by_number[question_id],
            coverage=0.5,
            rating=rating,
            mode=mode,
            answer_snapshot="!",
            created_at=created_at,
        )
        for question_id, created_at, rating, mode in rows
    )


# --- The practice flow through the test client ----------------------------------------------

REFERENCE = (
    "预训练模型通过在大规模数据上训练，获得了丰富的知识表示，泛化能力强。"
    "可以减少特定任务所需的数据量。"
)


def token_from(response):
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the page carries no practice token"
    return match.group(1)


def reveal(client, question, text=REFERENCE, htmx=True, **extra):
    response = client.get(reverse("questions:practice_question", args=[question.pk]))
    data = {"token": token_from(response), "text": text, **extra}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("questions:reveal", args=[question.pk]), data, **headers)


def grade(client, question, rating=3, ticked=(1, 2), htmx=True, token=None, text=REFERENCE):
    if token is None:
        token = token_from(reveal(client, question, text))
    data = {"token": token, "text": text, "rating": rating, "ticked": list(ticked)}
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("questions:grade", args=[question.pk]), data, **headers)


# --- The admin's change form --------------------------------------------------------------------


def change_url(question):
    return reverse("admin:questions_question_change", args=[question.pk])


def form_data(response):
    """The POST data of an admin change form as the page shows it, inlines included."""
    data = {}

    def add(form):
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            data[bound.html_name] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        for form in formset.forms:
            add(form)
    return data


def key_points(question):
    """[(position, label)] of the question's key points, as stored."""
    return list(question.key_points.order_by("position").values_list("position", "label"))


# --- Rendering before and after ----------------------------------------------------------------


@contextlib.contextmanager
def with_old_template(name, replacements):
    """Settings under which template `name` is its source with each (old, new) pair of
    `replacements` put back (new → old): the page as it rendered before values moved from
    template helpers into the view, to compare with the page now. The cache is emptied on
    the way in and out, so that neither page is one the other rendered."""
    source = get_template(name).template.source
    for old, new in replacements:
        assert new in source, new
        source = source.replace(new, old)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0].pop("APP_DIRS", None)
    loaders = [
        ("django.template.loaders.locmem.Loader", {name: source}),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    # Wrapped as django-template-partials wraps the loaders, so that "page.html#partial" loads.
    templates[0]["OPTIONS"]["loaders"] = [("template_partials.loader.Loader", loaders)]
    cache.clear()
    with override_settings(TEMPLATES=templates):
        yield
    cache.clear()


def normalised_page(response):
    """A page without what differs between two requests: CSRF tokens, nonces and practice
    tokens (each one signs the moment it was made)."""
    text = response.content.decode()
    text = re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1-", text)
    text = re.sub(r'(name="token" value="|data-recorder data-key=")[^"]+', r"\1-", text)
    text = re.sub(r'("X-CSRFToken": ")[^"]+', r"\1-", text)
    return re.sub(r'nonce="[^"]+"', 'nonce="-"', text)


def migrate(target):
    """Migrate the test database to target, (app, name); the app registry as of then."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def latest_migration():
    executor = MigrationExecutor(connection)
    return [node for node in executor.loader.graph.leaf_nodes() if node[0] == "questions"][0]
