"""Questions as an Anki deck package (.apkg), built with genanki.

One note per question, in a deck per topic ("Interview prep::<topic>"). The front is the
prompt; the back adds the reference answer and the explanation, rendered from markdown and
sanitised as the site renders them. Anki shows every field as HTML, so the plain-text ones
(key, title, topic) are escaped, as the site's templates escape them. Note ids come from the
external key, so importing a newer export into Anki updates the notes instead of duplicating
them.
"""

import hashlib
import io
import itertools
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

import genanki
from django.utils.html import escape

from questions.rendering import render_markdown

DECK_PREFIX = "Interview prep"
# Fixed ids: Anki recognises the note type and the decks of an earlier import by them.
MODEL_ID = 1_607_392_319
DECK_ID_BASE = 1_800_000_000

CARD_CSS = """
.card { font-family: sans-serif; font-size: 18px; text-align: left; line-height: 1.5; }
.title { font-weight: bold; margin-bottom: .5em; }
.meta { color: #777; font-size: 14px; }
"""

MODEL = genanki.Model(
    MODEL_ID,
    "Interview prep question",
    fields=[
        {"name": "Key"},
        {"name": "Title"},
        {"name": "Prompt"},
        {"name": "Answer"},
        {"name": "Explanation"},
        {"name": "Topic"},
    ],
    templates=[
        {
            "name": "Recall",
            "qfmt": '<div class="title">{{Title}}</div>{{Prompt}}',
            "afmt": (
                '{{FrontSide}}<hr id="answer">{{Answer}}'
                "{{#Explanation}}<hr>{{Explanation}}{{/Explanation}}"
                '<div class="meta">{{Topic}}</div>'
            ),
        }
    ],
    css=CARD_CSS,
)


def deck_id(topic):
    """A stable id per topic, so that a later export lands in the same Anki deck."""
    digest = hashlib.sha256(topic.slug.encode()).digest()
    return DECK_ID_BASE + int.from_bytes(digest[:4]) % 100_000_000


def _tag(name):
    # Anki tags cannot contain spaces.
    return "_".join(name.split())


def build_package(questions):
    decks = {}
    for question in questions:
        topic = question.topic
        deck = decks.get(topic.pk)
        if deck is None:
            deck = decks[topic.pk] = genanki.Deck(deck_id(topic), f"{DECK_PREFIX}::{topic.name}")
        tags = [_tag(tag.name) for tag in question.tags.all()]
        tags += [_tag(topic.slug), question.difficulty]
        deck.add_note(
            genanki.Note(
                model=MODEL,
                fields=[
                    escape(question.external_key),
                    escape(question.title),
                    render_markdown(question.prompt),
                    render_markdown(question.reference_answer()),
                    render_markdown(question.explanation),
                    escape(topic.name),
                ],
                guid=genanki.guid_for(question.external_key),
                tags=sorted(set(tags)),
            )
        )
    return genanki.Package(list(decks.values()))


def to_apkg(questions, *, timestamp=None):
    """The .apkg file's bytes: a zip holding the SQLite collection `collection.anki2`."""
    package = build_package(questions)
    timestamp = time.time() if timestamp is None else timestamp
    # genanki's write_to_file() leaves its temporary database behind; write it ourselves.
    with tempfile.TemporaryDirectory(prefix="apkg-") as directory:
        path = Path(directory) / "collection.anki2"
        connection = sqlite3.connect(path)
        try:
            package.write_to_db(
                connection.cursor(), timestamp, itertools.count(int(timestamp * 1000))
            )
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, "collection.anki2")
            archive.writestr("media", "{}")
    return buffer.getvalue()
