"""The reference answer and its key points, stored once.

A question's answer is stored as the text before its key points (Question.answer), the key point
rows, and the text after them (Question.answer_closing). Learners read the three composed into
one markdown text (Question.reference_answer()), the numbered list written from the rows, so
an edit of a key point is an edit of the answer.

The markdown import format carries the key points as the answer's numbered items. split_answer()
finds, in an imported answer, the list compose_answer() would write for its key points; when the
list is written otherwise (a loose list, other indentation, text between two lists, a label
with its colon outside the bold), the answer is kept whole, as the file has it, and the key
points are only the checklist (Question.compose_key_points off).
"""

import re

FENCE_RE = re.compile(r"^\s*(```|~~~)")
ITEM_RE = re.compile(r"^\d+\.\s+(?P<text>.*)$")
LABEL_RE = re.compile(r"^\*\*(?P<label>[^*\n]+?)\*\*(?P<rest>.*)$", re.DOTALL)


def key_points_from_answer(answer):
    """One (label, detail) per numbered item of the answer, in order.

    `1. **label：** detail` gives (label, detail); an item without a bold label gives
    ("", item text). Indented lines right after an item continue its detail.
    """
    items, in_fence = [], False
    for line in answer.split("\n"):
        code = in_fence or bool(FENCE_RE.match(line))
        if FENCE_RE.match(line):
            in_fence = not in_fence
        item = None if code else ITEM_RE.match(line)
        if item:
            items.append([item["text"].strip()])
        elif items and items[-1] is not None and not code and line[:1].isspace() and line.strip():
            items[-1].append(line.strip())
        elif items:
            # Anything else (code too) closes the item, so later indented lines stay out of it.
            items.append(None)
    return [_split_label("\n".join(item)) for item in items if item is not None]


def _split_label(text):
    bold = LABEL_RE.match(text)
    if bold:
        label, rest = bold["label"].strip(), bold["rest"]
        if label.endswith((":", "：")):
            return label.rstrip(":：").strip(), rest.strip()
        if rest.lstrip().startswith((":", "：")):
            return label, rest.lstrip()[1:].strip()
    return "", text.strip()


def key_point_list(points, language):
    """The numbered markdown list of (label, detail) points: `1. **label：** detail`, the colon
    of the question's language, a detail's later lines indented under its first."""
    colon = ":" if language == "en" else "："
    lines = []
    for number, (label, detail) in enumerate(points, start=1):
        marker = f"{number}. "
        text = f"**{label}{colon}**" + (f" {detail}" if detail else "") if label else detail
        lines.append(marker + text.replace("\n", "\n" + " " * len(marker)))
    return "\n".join(lines)


def compose_answer(introduction, points, closing, language):
    """The reference answer: the introduction, the key point list, the closing, a blank line
    between each two that are not empty."""
    parts = [introduction, key_point_list(points, language), closing]
    return "\n\n".join(part for part in parts if part)


def reference_answer(answer, closing, compose_key_points, language, points):
    """What learners read of a question with these fields (Question.reference_answer())."""
    if not compose_key_points:
        return answer
    return compose_answer(answer, list(points), closing, language)


def split_answer(answer, points, language):
    """(introduction, closing) such that compose_answer() gives back this answer exactly with
    these points, and the composed answer reads back as these points; None when there is none
    (the answer then stays whole)."""
    if not points or key_points_from_answer(answer) != list(points):
        return None
    listing = key_point_list(points, language)
    start = answer.find(listing)
    if start < 0:
        return None
    before, after = answer[:start], answer[start + len(listing) :]
    if before and not before.endswith("\n\n") or after and not after.startswith("\n\n"):
        return None
    introduction, closing = before.removesuffix("\n\n"), after.removeprefix("\n\n")
    if compose_answer(introduction, points, closing, language) != answer:
        return None
    return introduction, closing


def reads_back(introduction, points, closing, language):
    """Whether the composed answer reads back, in the markdown format, as these key points
    around this introduction and closing (what makes a markdown export import unchanged)."""
    points = list(points)
    answer = compose_answer(introduction, points, closing, language)
    if not points:
        return not key_points_from_answer(answer)
    return split_answer(answer, points, language) == (introduction, closing)


def stored_answer(answer, points, language):
    """The fields of Question that store this answer with these key points:
    {"answer", "answer_closing", "compose_key_points"}."""
    parts = split_answer(answer, points, language)
    if parts is None:
        return {"answer": answer, "answer_closing": "", "compose_key_points": False}
    return {"answer": parts[0], "answer_closing": parts[1], "compose_key_points": True}
