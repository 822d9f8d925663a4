import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_language_follows_the_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_english_is_the_default(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Language"] == "en"


def test_the_switcher_sets_the_language_for_anyone(client):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/questions/"})
    assert response.status_code == 302
    assert client.get("/")["Content-Language"] == "zh-hans"


def test_a_users_choice_is_remembered_on_every_device(client, alice):
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    alice.study_profile.refresh_from_db()
    assert alice.study_profile.language == "zh-hans"
    client.cookies.clear()
    client.force_login(alice)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "zh-hans"


def test_an_unknown_language_changes_nothing(client, alice):
    client.force_login(alice)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    alice.study_profile.refresh_from_db()
    assert alice.study_profile.language == ""


def test_the_switcher_is_post_only(client):
    assert client.get(reverse("set_language")).status_code == 405


def test_the_practice_page_speaks_chinese_to_a_chinese_browser(alice_client, question):
    response = alice_client.get("/practice/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    body = response.content.decode()
    assert "显示答案" in body
    assert "Reveal answer" not in body
