import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from scripts.devtools.urls import ceiling


def test_the_ceiling_page_is_not_served_outside_benchmarks():
    with pytest.raises(NoReverseMatch):
        reverse("bench_ceiling")


def test_the_ceiling_page_renders_its_constant_template():
    response = ceiling(RequestFactory().get("/bench/ceiling/"))

    assert response.status_code == 200
    assert b"Benchmark ceiling" in response.content


def test_the_ceiling_page_rejects_post():
    response = ceiling(RequestFactory().post("/bench/ceiling/"))

    assert response.status_code == 405
