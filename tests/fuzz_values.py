"""What tests/test_fuzz.py sends: hostile values, every path of the URLconf, the forms of a page.

Kept apart from the test so that the tables read as data: a value added here is sent to every
parameter of every URL on the next run.
"""

import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter

# --- Values ------------------------------------------------------------------------------------

# Ids that a path converter may receive: the int converter refuses the last two, but a view taking
# <str:…> or <path:…> (the admin's object ids) gets them as they are.
PATH_IDS = ["0", "-1", str(2**31), str(2**63), str(10**30), "abc", "1%00", "%ED%A0%80"]

HUGE_TEXT = "长" * 50_000 + "x" * 50_000  # 100,000 characters, 200 kB of UTF-8

# Sent as the value of every query and form parameter: all of CORE_VALUES, and a few of
# MORE_VALUES (a different few for each parameter, so that every value is tried somewhere).
CORE_VALUES = ["", "-1", str(2**31), str(2**63), "abc", "a\x00b", HUGE_TEXT]
MORE_VALUES = [
    "0",
    str(10**30),
    "\x00",
    str(-(2**63) - 1),
    "1e400",
    "NaN",
    "//evil.example/",
    "<script>alert(1)</script>",
    "9999-99-99",
    "-0001-01-01",
    " " * 300,
]

# Raw bytes in a query string or form body, as the WSGI server hands them to Django: a lone
# surrogate as a buggy encoder writes it, bytes that are not UTF-8, broken percent escapes.
RAW_VALUES = ["%ED%A0%80", "%FF%FE", "%00", "%", "%zz"]

# Values of `next`, on top of VALUES: a bare word is not a path, and "//" is another host.
NEXT_VALUES = ["abc", "questions:home", "/\\evil.example", "https://evil.example/", "/ok/\x00"]

# Headers htmx sends, with garbage in them (a lone surrogate reaches request.headers as is).
HTMX_HEADERS = [
    {"HTTP_HX_REQUEST": "true"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "\ud800", "HTTP_HX_TRIGGER": "\x00"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://[::1"},
    {"HTTP_HX_REQUEST": "\x00", "HTTP_HX_BOOSTED": "maybe", "HTTP_HX_CURRENT_URL": "\ud800"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true", "HTTP_HX_PROMPT": "x"},
]

WRONG_METHODS = ["PUT", "DELETE", "OPTIONS", "PROPFIND"]

# More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000) allows.
MANY_FIELDS = "&".join(f"f{i}=1" for i in range(1200))
# Above DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
HUGE_BODY = "text=" + "x" * 3_000_000

BROKEN_MULTIPART = [
    ("multipart/form-data", b"--x\r\nnot a part"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n"),
    ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="a"'),
    ("multipart/form-data; boundary=" + "b" * 200, b"garbage"),
    ("multipart/form-data; boundary=x", b"\xff\xfe\x00" * 1000),
]

# Files given to every file field (the admin's import): each is malformed in its own way, and
# must come back as a line-numbered error with nothing written.
DEEP = 100_000
IMPORT_FILES = {
    "duplicate-key.json": b'{"questions": 1, "questions": [{"title": "x"}]}',
    "duplicate-key-2.json": b'{"questions": [], "questions": {"a": 1}}',
    "nested.json": b"[" * DEEP + b"]" * DEEP,
    "nested-object.json": b'{"questions": ' + b'{"a": ' * DEEP + b"1" + b"}" * DEEP + b"}",
    "surrogate.json": b'{"questions": [{"title": "\\ud800", "prompt": "\\udfff"}]}',
    "nul.json": b'{"questions": [{"title": "a\\u0000b", "prompt": "p\\u0000"}]}',
    "position.json": b'{"questions": [{"title": "t", "position": 9223372036854775808}]}',
    "position-2.json": b'{"questions": [{"title": "t", "prompt": "p", "position": 2147483648}]}',
    "position-3.json": b'{"questions": [{"title": "t", "position": -9223372036854775809}]}',
    "float.json": b'{"questions": [{"title": "t", "position": 1e400, "difficulty": NaN}]}',
    "not-utf8.json": b'{"questions": [{"title": "\xff\xfe"}]}',
    "array.json": b"[1, 2, 3]",
    "empty.json": b"",
    "nul.md": b"### Question 1: a\x00b\n\n**Question:** p\x00\n\n**Answer:**\n\n1. x\x00\n",
    "surrogate.md": b"### Question 1: \xed\xa0\x80\n\n**Question:** p\n\n**Answer:**\n\n1. x\n",
    "huge-number.md": b"### Question 99999999999999999999: t\n\n**Question:** p\n\n**Answer:** x\n",
    "bad.csv": b"title,prompt,position\nt,p,9223372036854775808\n",
    "nul.csv": b"title,prompt\na\x00b,p\n",
    "binary.csv": b"\xff\xfe\x00\x00" * 100,
}


# Parameters that views read outside any form their page shows (by URL name, for GET), and
# fields that forms carry only sometimes (by a part of the form's action, for POST).
QUERY_PARAMETERS = {
    "questions:practice": ["topic", "starred", "focus"],
    "questions:practice_random": ["topic"],
    "questions:practice_question": ["topic", "focus"],
    "questions:list": ["page", "topic", "q"],
    "questions:history": ["page", "topic", "date_from"],
    "questions:mock_list": ["page"],
    "signup": ["next"],
    "login": ["next"],
}
EXTRA_FORM_FIELDS = {
    "/practice/": ["topic", "focus", "starred", "hints"],
    "/suspend/": ["suspended"],
    "/setlang/": ["language"],
}


# --- Every URL of the URLconf ------------------------------------------------------------------


def _regex_to_template(regex):
    """'^(?P<app_label>auth|questions)/$' → ('{app_label}/', {'app_label': 'auth|questions'})."""
    text, groups, i = regex.lstrip("^").rstrip("$").replace("\\Z", ""), {}, 0
    out = []
    while i < len(text):
        # A named group, or an unnamed one (named arg0, arg1, … in order).
        match = re.match(r"\(\?P<(\w+)>|\((?!\?)", text[i:])
        if not match:
            out.append(text[i])
            i += 1
            continue
        name = match.group(1) or f"arg{sum(1 for g in groups if g.startswith('arg'))}"
        depth, j = 1, i + match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            j += 1
        groups[name] = text[i + match.end() : j - 1]
        out.append("{" + name + "}")
        i = j
    return "".join(out).replace("\\", ""), groups


def url_patterns(resolver=None, prefix="", namespace=""):
    """(name, template, {kwarg: kind}) of every pattern; kind is int, str, path or a regex."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        converters = getattr(entry.pattern, "converters", {})
        if hasattr(entry.pattern, "_route"):
            template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", entry.pattern._route)
            kinds = {name: _converter_kind(conv) for name, conv in converters.items()}
        else:
            template, kinds = _regex_to_template(entry.pattern.regex.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for name, sub_template, sub_kinds in url_patterns(entry, prefix + template, inner):
                yield name, sub_template, {**kinds, **sub_kinds}
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<{template}>"
            yield name, prefix + template, kinds


def _converter_kind(converter):
    if isinstance(converter, IntConverter):
        return "int"
    if isinstance(converter, PathConverter):
        return "path"
    if isinstance(converter, SlugConverter | StringConverter):
        return "str"
    return type(converter).__name__


def fill(template, values):
    """The path of a template with each {name} replaced (percent-quoted unless already)."""
    path = template
    for name, value in values.items():
        path = path.replace("{" + name + "}", value if "%" in value else quote(value, safe=""))
    return "/" + path


# --- Forms of a page ---------------------------------------------------------------------------


class Form:
    def __init__(self, action, method, enctype):
        self.action, self.method, self.enctype = action, method.upper(), enctype
        self.fields = []  # (name, value) pairs in page order, as a browser would send them
        self.files = []

    def key(self):
        return (self.method, urlsplit(self.action).path, tuple(sorted({n for n, _ in self.fields})))


class _FormParser(HTMLParser):
    def __init__(self, page_path):
        super().__init__()
        self.page_path, self.forms = page_path, []
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = attrs.get("action") or attrs.get("hx-post") or self.page_path
            method = "POST" if "hx-post" in attrs else attrs.get("method") or "get"
            self.forms.append(Form(action, method, attrs.get("enctype", "")))
            return
        if not self.forms or "name" not in attrs:
            return
        form, name = self.forms[-1], attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind == "file":
                form.files.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs or not any(n == name for n, _ in form.fields):
                    form.fields.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset"):
                form.fields.append((name, attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = name
            form.fields.append((name, ""))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            first = not any(n == self._select for n, _ in form.fields)
            if first or "selected" in attrs:  # the first option, unless another is selected
                form.fields = [(n, v) for n, v in form.fields if n != self._select]
                form.fields.append((self._select, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea and self.forms:
            fields = self.forms[-1].fields
            name, value = fields[-1]
            fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def page_forms(html, page_path):
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms
