"""What changed between two versions of a question, as the admin shows it: each field with its
changed lines (texts and key points) or its old and new value."""

import difflib

from django.utils.translation import gettext_lazy

TEXT_FIELDS = {"title", "prompt", "answer", "answer_closing", "explanation"}
FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "prompt": gettext_lazy("prompt"),
    "answer": gettext_lazy("reference answer"),
    "answer_closing": gettext_lazy("reference answer: closing"),
    "compose_key_points": gettext_lazy("list the key points in the answer"),
    "explanation": gettext_lazy("explanation"),
    "language": gettext_lazy("language"),
    "source": gettext_lazy("source"),
    "position": gettext_lazy("position"),
    "difficulty": gettext_lazy("difficulty"),
    "is_published": gettext_lazy("published"),
    "topic": gettext_lazy("topic"),
    "tags": gettext_lazy("tags"),
    "key_points": gettext_lazy("key points"),
    "phrasings": gettext_lazy("accepted phrasings"),
}


def describe_changes(changes):
    """Each changed field with its difference: changed lines for texts and key points, the old
    and the new value for the rest."""
    described = []
    for name, (old, new) in changes.items():
        change = {"field": name, "label": FIELD_LABELS.get(name, name)}
        if name in TEXT_FIELDS:
            change["lines"] = diff_lines(old.split("\n"), new.split("\n"))
        elif name == "key_points":
            change["lines"] = diff_lines(_point_lines(old), _point_lines(new))
        elif name == "tags":
            change.update(old=", ".join(old) or "—", new=", ".join(new) or "—")
        else:
            change.update(old=old, new=new)
        described.append(change)
    return described


def _point_lines(points):
    return [
        f"{number}. {label}: {detail}" if label else f"{number}. {detail}"
        for number, (label, detail) in enumerate(points, 1)
    ]


def diff_lines(old, new):
    """[(kind, line)] with kind "removed", "added", "same" or "gap", a line of context each."""
    lines = []
    for number, group in enumerate(difflib.SequenceMatcher(None, old, new).get_grouped_opcodes(1)):
        if number:
            lines.append(("gap", "…"))
        for tag, old_start, old_end, new_start, new_end in group:
            if tag == "equal":
                lines.extend(("same", line) for line in old[old_start:old_end])
                continue
            lines.extend(("removed", line) for line in old[old_start:old_end])
            lines.extend(("added", line) for line in new[new_start:new_end])
    return lines
