"""A tiny browser for end-to-end checks against a real server: cookies, forms and CSRF.

Standard library only, so that scripts/smoke_check.py runs it from any Python. It talks plain
HTTP to gunicorn but can act as if a TLS proxy stood in front (`behind_tls_proxy=True`): it sends
X-Forwarded-Proto: https, https Origin and Referer headers, and sends `Secure` cookies back, as a
browser on the https side of the proxy would. The server must run with DJANGO_BEHIND_TLS_PROXY=1.
"""

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Response:
    status: int
    headers: object  # an email.message.Message: headers.get(name), headers.get_all(name)
    text: str
    url: str

    def header(self, name, default=""):
        return self.headers.get(name, default)

    def set_cookies(self):
        """The Set-Cookie header lines of this response, by cookie name."""
        lines = self.headers.get_all("Set-Cookie") or []
        return {line.split("=", 1)[0].strip(): line for line in lines}


@dataclass
class Form:
    action: str
    method: str
    fields: dict

    def data(self, **overrides):
        return {**self.fields, **overrides}


class _FormParser(HTMLParser):
    """Collects each form's action, method and named fields (inputs and textareas)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(Form(attrs.get("action") or "", attrs.get("method") or "get", {}))
        elif not self.forms or "name" not in attrs:
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button"):
                return
            fields, name, value = self.forms[-1].fields, attrs["name"], attrs.get("value") or ""
            if kind == "checkbox":  # several ticked boxes of one name send a list
                fields.setdefault(name, []).append(value if "value" in attrs else "on")
            else:
                fields.setdefault(name, value)
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.forms[-1].fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1].fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def forms(html):
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


class CheckFailed(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


class _TLSProxyCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Sends Secure cookies over our plain-HTTP hop: the browser's side of the proxy is https."""

    def return_ok_secure(self, cookie, request):
        return True


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx comes back as the response: the checks look at Location themselves


class Browser:
    def __init__(self, base_url, *, behind_tls_proxy=True, timeout=15, _jar=None):
        self.base_url = base_url.rstrip("/")
        self.behind_tls_proxy = behind_tls_proxy
        self.timeout = timeout
        host = urllib.parse.urlsplit(self.base_url).netloc
        # What the browser's address bar shows: the CSRF check compares Origin with it.
        self.origin = f"{'https' if behind_tls_proxy else 'http'}://{host}"
        policy = _TLSProxyCookiePolicy() if behind_tls_proxy else None
        self.jar = _jar if _jar is not None else http.cookiejar.CookieJar(policy)
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects()
        )

    def on(self, base_url):
        """The same browser (same cookies) talking to another server, as behind a load balancer."""
        return Browser(
            base_url, behind_tls_proxy=self.behind_tls_proxy, timeout=self.timeout, _jar=self.jar
        )

    def cookie(self, name):
        return next((cookie.value for cookie in self.jar if cookie.name == name), None)

    def request(self, method, path, data=None, headers=None):
        url = self.base_url + path
        body = None
        all_headers = {"User-Agent": "interview-prep-smoke/1"}
        if self.behind_tls_proxy:
            all_headers["X-Forwarded-Proto"] = "https"
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        all_headers.update(headers or {})
        request = urllib.request.Request(url, data=body, headers=all_headers, method=method)
        try:
            with self._opener.open(request, timeout=self.timeout) as raw:
                return Response(raw.status, raw.headers, raw.read().decode("utf-8", "replace"), url)
        except urllib.error.HTTPError as error:  # 4xx and 5xx (and 3xx, redirects being off)
            with error:
                text = error.read().decode("utf-8", "replace")
            return Response(error.code, error.headers, text, url)

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, data, *, referer_path):
        """A form POST as a browser sends it: Origin and Referer of the page that held the form."""
        headers = {"Origin": self.origin, "Referer": self.origin + referer_path}
        return self.request("POST", path, data=data, headers=headers)

    def form(self, response, action_contains=""):
        """The first form of the page whose action contains `action_contains`."""
        for form in forms(response.text):
            if action_contains in form.action:
                return form
        raise CheckFailed(f"no form with action containing {action_contains!r} on {response.url}")

    def submit(self, page_path, action_contains, **fields):
        """Load the page, fill its form (CSRF token included) and post it; returns the response."""
        page = self.get(page_path)
        check(page.status == 200, f"GET {page_path}: {page.status}")
        form = self.form(page, action_contains)
        check("csrfmiddlewaretoken" in form.fields, f"no CSRF token in the form on {page_path}")
        check(self.cookie("csrftoken"), f"no csrftoken cookie after GET {page_path}")
        return self.post(form.action or page_path, form.data(**fields), referer_path=page_path)

    # --- This app's flows ----------------------------------------------------------------------

    def sign_up(self, username, password):
        fields = {"username": username, "password1": password, "password2": password}
        response = self.submit("/accounts/signup/", "/accounts/signup/", **fields)
        check(
            response.status == 302,
            f"signup {username}: expected 302, got {response.status}: {response.text[:300]}",
        )
        return response

    def log_in(self, username, password):
        response = self.submit(
            "/accounts/login/", "/accounts/login/", username=username, password=password
        )
        check(response.status == 302, f"login {username}: expected 302, got {response.status}")
        return response

    def show(self, path):
        """A practice page's question id and the form that reveals its answer."""
        page = self.get(path)
        check(page.status == 200, f"GET {path}: {page.status}")
        form = self.form(page, "/reveal/")
        check(form.fields.get("token"), f"no practice token on {path}")
        question_id = int(form.action.rstrip("/").split("/")[-2])
        return question_id, form

    def reveal(self, question_id, form, text, *, referer_path="/practice/"):
        response = self.post(form.action, form.data(text=text), referer_path=referer_path)
        check(response.status == 200, f"reveal {question_id}: {response.status}")
        grade_form = self.form(response, "/grade/")
        check(grade_form.fields.get("token"), f"no token in the grade form of {question_id}")
        return grade_form

    def grade(self, question_id, grade_form, rating, *, referer_path="/practice/"):
        data = grade_form.data(rating=str(rating))
        return self.post(grade_form.action, data, referer_path=referer_path)
