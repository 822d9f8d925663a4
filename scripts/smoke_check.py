"""Check a running production server from the outside, as a browser behind a TLS proxy would.

Usage: smoke_check.py BASE_URL STATIC_ROOT
  BASE_URL     where gunicorn listens, e.g. http://127.0.0.1:8123 (plain HTTP)
  STATIC_ROOT  the collectstatic output, whose staticfiles.json names the hashed files

The server must run with production defaults plus DJANGO_BEHIND_TLS_PROXY=1: the checks send
X-Forwarded-Proto: https as the proxy would. Standard library only; exits non-zero on the first
failed check, printing what failed.
"""

import json
import re
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.http_client import Browser, CheckFailed, check  # noqa: E402

ONE_YEAR = 365 * 24 * 3600
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def check_health_and_https_redirect(base_url):
    plain = Browser(base_url, behind_tls_proxy=False)
    health = plain.get("/healthz")
    check(
        health.status == 200 and health.text == "ok", f"/healthz: {health.status} {health.text!r}"
    )
    login = plain.get("/accounts/login/")
    check(
        login.status == 301 and login.header("Location").startswith("https://"),
        f"plain HTTP is not redirected to HTTPS: {login.status} {login.header('Location')!r}",
    )


def check_static_file(browser, static_root):
    manifest = json.loads((Path(static_root) / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/app.css"]
    check(hashed != "css/app.css", "css/app.css has no hash in its name")
    path = f"/static/{hashed}"
    plain = browser.get(path, headers={"Accept-Encoding": "identity"})
    check(plain.status == 200, f"{path}: {plain.status}")
    cache_control = plain.header("Cache-Control")
    max_age = re.search(r"max-age=(\d+)", cache_control)
    check(
        max_age and int(max_age.group(1)) >= ONE_YEAR and "immutable" in cache_control,
        f"{path}: Cache-Control {cache_control!r} is not far-future and immutable",
    )
    check(not plain.header("Content-Encoding"), f"{path}: compressed without being asked")
    for encoding, expected in (("br", "br"), ("gzip", "gzip"), ("br, gzip", "br")):
        response = browser.get(path, headers={"Accept-Encoding": encoding})
        got = response.header("Content-Encoding")
        check(
            response.status == 200 and got == expected,
            f"{path}, Accept-Encoding {encoding!r}: {response.status}, Content-Encoding {got!r}",
        )
    return hashed


def check_security_headers(browser):
    page = browser.get("/accounts/login/", headers={"X-Request-ID": "smoke-check-1"})
    check(page.status == 200, f"/accounts/login/: {page.status}")
    # A {# #} comment cannot span lines: Django prints it, and a "<style>" in it blanks the page.
    check("{#" not in page.text, "a template comment leaked into the page: use {% comment %}")
    csp = page.header("Content-Security-Policy")
    check(csp and "default-src 'self'" in csp, f"Content-Security-Policy missing or weak: {csp!r}")
    check("unsafe-inline" not in csp, f"Content-Security-Policy allows inline code: {csp!r}")
    for name, value in SECURITY_HEADERS.items():
        check(page.header(name) == value, f"{name}: {page.header(name)!r}, expected {value!r}")
    hsts = re.search(r"max-age=(\d+)", page.header("Strict-Transport-Security"))
    check(hsts and int(hsts.group(1)) >= ONE_YEAR, "Strict-Transport-Security missing or short")
    check(page.header("X-Request-ID") == "smoke-check-1", "the request id is not echoed back")
    check(len(browser.get("/healthz").header("X-Request-ID")) >= 16, "no request id made up")
    check_cookie_flags(page, "csrftoken")
    # The image compiles the translations at build time: without them this page stays English.
    chinese = browser.get("/accounts/login/", headers={"Accept-Language": "zh-CN"})
    check("登录" in chinese.text, "no Chinese translation for Accept-Language: zh-CN")


def check_cookie_flags(response, name):
    line = response.set_cookies().get(name)
    check(line, f"{response.url} set no {name} cookie")
    flags = {part.strip().lower() for part in line.split(";")}
    check("secure" in flags, f"the {name} cookie is not Secure: {line}")
    check("httponly" in flags, f"the {name} cookie is not HttpOnly: {line}")


def check_practice_round_trip(browser):
    username = f"smoke-{secrets.token_hex(4)}"
    signup = browser.sign_up(username, secrets.token_urlsafe(16))
    check(signup.header("Location") == "/practice/", f"signup went to {signup.header('Location')}")
    check_cookie_flags(signup, "sessionid")

    question_id, reveal_form = browser.show("/practice/")
    grade_form = browser.reveal(
        question_id, reveal_form, "预训练模型在大规模数据上训练，泛化能力强。"
    )
    graded = browser.grade(question_id, grade_form, rating=3)
    check(
        graded.status == 302 and graded.header("Location") == "/practice/",
        f"grade: {graded.status} {graded.header('Location')!r}",
    )
    # The same token twice is refused: one reveal, one grade.
    again = browser.grade(question_id, grade_form, rating=3)
    check(again.status == 400, f"a second grade with the same token: {again.status}")

    detail = browser.get(f"/questions/{question_id}/")
    check(detail.status == 200, f"/questions/{question_id}/: {detail.status}")
    check("Your attempts" in detail.text, "the question page shows no attempts section")
    rows = detail.text.count('class="rating-')
    check(rows == 1, f"the question page lists {rows} attempts, expected 1")
    return username, question_id


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    base_url, static_root = argv[1], argv[2]
    browser = Browser(base_url)
    steps = [
        ("health and HTTPS redirect", lambda: check_health_and_https_redirect(base_url)),
        ("hashed, compressed static file", lambda: check_static_file(browser, static_root)),
        ("security headers, cookies, translations", lambda: check_security_headers(browser)),
        ("signup, practice, reveal, grade", lambda: check_practice_round_trip(browser)),
    ]
    for name, step in steps:
        try:
            result = step()
        except CheckFailed as error:
            print(f"smoke check FAILED: {name}: {error}", file=sys.stderr)
            return 1
        print(f"ok  {name}" + (f": {result}" if result else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
