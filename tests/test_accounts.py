import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from questions.study.models import StudyProfile

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long-unusual-passphrase-42"


def signup(client, username="carol", password=GOOD_PASSWORD, **extra):
    data = {"username": username, "password1": password, "password2": password, **extra}
    return client.post(reverse("signup"), data)


class TestSignup:
    def test_it_creates_the_user_with_a_profile_and_logs_them_in(self, client):
        response = signup(client, email="carol@example.org")
        assert response.status_code == 302
        assert response["Location"] == reverse("questions:practice")
        user = get_user_model().objects.get(username="carol")
        assert user.email == "carol@example.org"
        assert StudyProfile.objects.get(user=user).new_per_day == 10
        assert client.get(reverse("questions:practice")).status_code == 200

    def test_email_is_optional(self, client):
        assert signup(client).status_code == 302

    def test_it_applies_the_password_validators(self, client):
        response = signup(client, password="12345678")
        assert response.status_code == 200
        assert "too common" in response.content.decode()
        assert not get_user_model().objects.filter(username="carol").exists()

    def test_it_refuses_a_taken_username(self, client, alice):
        response = signup(client, username="alice")
        assert "already exists" in response.content.decode()

    def test_it_returns_to_the_page_wanted(self, client):
        response = client.post(
            reverse("signup") + "?next=/practice/%3Ftopic%3Dx",
            {
                "username": "dave",
                "password1": GOOD_PASSWORD,
                "password2": GOOD_PASSWORD,
                "next": "/practice/?topic=x",
            },
        )
        assert response["Location"] == "/practice/?topic=x"

    def test_it_ignores_a_next_url_on_another_site(self, client):
        response = signup(client, next="https://evil.example/")
        assert response["Location"] == reverse("questions:practice")


class TestLoginLogout:
    def test_login_returns_to_the_page_wanted(self, client, alice):
        response = client.post(
            reverse("login"),
            {"username": "alice", "password": "correct-horse-battery", "next": "/stats/"},
        )
        assert response.status_code == 302
        assert response["Location"] == "/stats/"

    def test_a_wrong_password_gets_a_form_error(self, client, alice):
        response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()

    def test_each_wrong_password_says_how_many_tries_are_left_before_the_lockout(
        self, client, alice, settings
    ):
        wrong = {"username": "alice", "password": "nope"}
        pages = [client.post(reverse("login"), wrong).content.decode() for _ in range(4)]

        limit = settings.AXES_FAILURE_LIMIT
        assert f"{limit - 1} more wrong passwords and logging in" in pages[0]
        assert "1 more wrong password and logging in" in pages[limit - 2]
        assert reverse("password_reset") in pages[-1]
        # The warning counts this name's failures, not another's.
        other = client.post(reverse("login"), {"username": "bob", "password": "nope"})
        assert f"{limit - 1} more wrong passwords" in other.content.decode()

    def test_a_name_the_form_refuses_gets_the_general_lockout_rule(self, client):
        response = client.post(reverse("login"), {"username": "a\x00b", "password": "nope"})
        assert response.status_code == 200
        assert "tries_left" not in response.context
        assert "wrong passwords, logging in with this name" in response.content.decode()

    def test_logout_is_post_only(self, alice_client):
        assert alice_client.get(reverse("logout")).status_code == 405
        response = alice_client.post(reverse("logout"))
        assert response.status_code == 302
        assert alice_client.get(reverse("questions:practice")).status_code == 302

    def test_password_change_requires_login(self, client):
        response = client.get(reverse("password_change"))
        assert response["Location"].startswith(reverse("login"))

    def test_password_change_works(self, alice_client, alice):
        response = alice_client.post(
            reverse("password_change"),
            {
                "old_password": "correct-horse-battery",
                "new_password1": GOOD_PASSWORD,
                "new_password2": GOOD_PASSWORD,
            },
        )
        assert response.status_code == 302
        alice.refresh_from_db()
        assert alice.check_password(GOOD_PASSWORD)


class TestStudySettings:
    def test_it_saves_time_zone_limits_and_retention(self, alice_client, alice):
        response = alice_client.post(
            reverse("study_settings"),
            {
                "time_zone": "Asia/Shanghai",
                "new_per_day": 5,
                "reviews_per_day": 100,
                "desired_retention": "0.85",
                "leech_threshold": 8,
            },
        )
        assert response.status_code == 302
        profile = StudyProfile.objects.get(user=alice)
        assert (profile.time_zone, profile.new_per_day, profile.desired_retention) == (
            "Asia/Shanghai",
            5,
            0.85,
        )

    @pytest.mark.parametrize(
        "field, value",
        [
            ("time_zone", "Mars/Olympus"),
            ("desired_retention", "0.5"),
            ("desired_retention", "1.2"),
            ("new_per_day", "-1"),
        ],
    )
    def test_it_rejects_bad_values_with_a_form_error(self, alice_client, alice, field, value):
        data = {
            "time_zone": "UTC",
            "new_per_day": 10,
            "reviews_per_day": 200,
            "desired_retention": "0.9",
            "leech_threshold": 8,
            field: value,
        }
        response = alice_client.post(reverse("study_settings"), data)
        assert response.status_code == 200
        assert 'class="errorlist"' in response.content.decode()
        assert StudyProfile.objects.get(user=alice).time_zone == "UTC"

    def test_it_requires_login(self, client):
        assert client.get(reverse("study_settings")).status_code == 302


class TestPasswordReset:
    def test_the_login_page_links_to_it(self, client):
        assert reverse("password_reset") in client.get(reverse("login")).content.decode()

    def test_it_mails_a_link_that_sets_a_new_password(self, client, mailoutbox):
        from tests.factories import make_user

        make_user("erin", email="erin@example.org")
        response = client.post(reverse("password_reset"), {"email": "erin@example.org"})
        assert response.status_code == 302
        assert len(mailoutbox) == 1
        link = next(word for word in mailoutbox[0].body.split() if "/reset/" in word)
        form_page = client.get(link, follow=True)
        assert "Choose a new password" in form_page.content.decode()
        done = client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
        )
        assert done.status_code == 302
        assert get_user_model().objects.get(username="erin").check_password(GOOD_PASSWORD)

    def test_an_unknown_address_reveals_nothing(self, client, mailoutbox):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
        assert response.status_code == 302
        assert mailoutbox == []
