"""The language a logged-in user chooses with the menu's switch is saved on the user and follows
them to every browser; anonymous visitors keep the cookie; only the offered languages are kept."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cdmweb.accounts.models import Preference

pytestmark = pytest.mark.django_db


def test_the_switch_saves_the_choice_and_another_browser_shows_it(owner_client, owner):
    response = owner_client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302 and Preference.objects.get(user=owner).language == "zh-hans"
    # Another browser: no cookie, a browser asking for English; the saved choice wins.
    other = Client()
    other.force_login(owner)
    response = other.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in other.cookies
    assert '<html lang="zh-hans">' in html and ">草稿</a>" in html and response["Content-Language"] == "zh-hans"
    # The password-change page too.
    assert '<html lang="zh-hans">' in other.get(reverse("password_change")).content.decode()


def test_switching_back_to_english_is_saved_too_and_beats_the_cookie(owner_client, owner):
    owner_client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    owner_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert Preference.objects.get(user=owner).language == "en"
    other = Client()
    other.force_login(owner)
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"  # an old cookie in that browser
    html = other.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html and ">Drafts</a>" in html


def test_a_user_who_never_chose_keeps_the_browser_and_cookie_behaviour(owner_client, owner):
    assert (
        '<html lang="zh-hans">' in owner_client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    )
    assert '<html lang="en">' in owner_client.get(reverse("dashboard")).content.decode()
    assert not Preference.objects.filter(user=owner).exists()


def test_anonymous_visitors_switch_with_the_cookie_only(client):
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("login")})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert "登录 cdmweb" in client.get(reverse("login")).content.decode()
    assert not Preference.objects.exists()


@pytest.mark.parametrize("code", ["fr", "de", "zh-cn", "xx", ""])
def test_a_language_not_offered_is_not_saved(owner_client, owner, code):
    owner_client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    response = owner_client.post(reverse("set_language"), {"language": code, "next": "/"})
    assert response.status_code == 302
    assert Preference.objects.get(user=owner).language == "zh-hans"  # the earlier choice stays
    assert '<html lang="zh-hans">' in owner_client.get(reverse("dashboard")).content.decode()


def test_a_saved_language_no_longer_offered_is_ignored(owner_client, owner):
    Preference.objects.create(user=owner, language="fr")
    html = owner_client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="zh-hans">' in html  # the browser decides, as if nothing were saved


def test_a_get_changes_nothing(owner_client, owner):
    response = owner_client.get(reverse("set_language") + "?language=zh-hans&next=/")
    assert response.status_code == 302 and not Preference.objects.filter(user=owner).exists()


def test_the_admin_lists_the_preferences_in_the_users_language(client, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "boss-pass-1234")
    client.force_login(boss)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    other = Client()
    other.force_login(boss)
    page = other.get(reverse("admin:accounts_preference_changelist")).content.decode()
    assert "偏好设置" in page and "简体中文" in page


def test_a_choice_made_on_the_log_in_page_is_saved_at_the_log_in(client, owner):
    from cdmweb.accounts.models import Preference as Saved

    Saved.objects.create(user=owner, language="zh-hans")
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    response = client.post(reverse("login"), {"username": "owner", "password": "owner-pass-1234"})
    assert response.status_code == 302 and Saved.objects.get(user=owner).language == "en"
    assert '<html lang="en">' in client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    # A log-in with no choice made before it keeps the saved one.
    other = Client()
    other.post(reverse("login"), {"username": "owner", "password": "owner-pass-1234"})
    assert Saved.objects.get(user=owner).language == "en"


def test_a_session_signed_in_by_djangos_own_backend_still_gets_its_language(client, owner):
    """Sessions from before the user was read with the preference keep working, and say the same."""
    from cdmweb.accounts.models import Preference as Saved

    Saved.objects.create(user=owner, language="zh-hans")
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    assert '<html lang="zh-hans">' in client.get(reverse("dashboard")).content.decode()
