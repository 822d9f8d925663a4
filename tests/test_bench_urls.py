import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from interview_prep.bench_urls import ceiling, ceiling_logged_in


@pytest.mark.parametrize("name", ["bench_ceiling", "bench_ceiling_logged_in"])
def test_the_ceiling_pages_are_not_served_outside_benchmarks(name):
    with pytest.raises(NoReverseMatch):
        reverse(name)


def test_the_ceiling_page_renders_its_constant_template():
    response = ceiling(RequestFactory().get("/bench/ceiling/"))

    assert response.status_code == 200
    assert b"Benchmark ceiling" in response.content


def test_the_ceiling_page_rejects_post():
    response = ceiling(RequestFactory().post("/bench/ceiling/"))

    assert response.status_code == 405


@pytest.mark.django_db
def test_the_logged_in_ceiling_renders_the_same_page_for_a_user(alice):
    request = RequestFactory().get("/bench/ceiling/user/")
    request.user = alice
    response = ceiling_logged_in(request)

    assert response.status_code == 200
    assert b"Benchmark ceiling" in response.content


def test_the_logged_in_ceiling_sends_anonymous_visitors_to_log_in():
    request = RequestFactory().get("/bench/ceiling/user/")
    request.user = AnonymousUser()
    response = ceiling_logged_in(request)

    assert response.status_code == 302
