from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from cdmweb.jobs.models import JobDraft

from ..conftest import hx


def test_login_required(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_login_page_logs_in_and_lands_on_dashboard(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": "owner-pass-1234"})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    bad = client.post(reverse("login"), {"username": "owner", "password": "wrong"})
    assert bad.status_code == 200 and b"correct username and password" in bad.content


def test_lists_own_drafts_with_type_connectors_and_state(owner_client, make_draft, outsider):
    make_draft(name="mine_ok")
    make_draft(name="theirs", owner=outsider)
    bad = make_draft(name="mine_bad")
    JobDraft.objects.filter(pk=bad.pk).update(error_count=2)
    response = owner_client.get(reverse("dashboard"))
    html = response.content.decode()
    assert "mine_ok" in html and "mine_bad" in html and "theirs" not in html
    assert "generic-jdbc-connector" in html and "hive-connector" in html and "NORMAL_JOB" in html
    assert "2 errors" in html


def test_empty_dashboard_invites_to_create(owner_client):
    assert "No drafts yet" in owner_client.get(reverse("dashboard")).content.decode()


def test_search_and_htmx_partial(owner_client, make_draft):
    make_draft(name="orders_daily")
    make_draft(name="customers_full", to_connector="hdfs-connector")
    response = owner_client.get(reverse("dashboard"), {"q": "orders"})
    assert "orders_daily" in response.content.decode() and "customers_full" not in response.content.decode()
    by_connector = owner_client.get(reverse("dashboard"), {"q": "hdfs"}, **hx())
    body = by_connector.content.decode()
    assert "customers_full" in body and "orders_daily" not in body
    assert '<nav class="navbar' not in body  # only the list region
    nothing = owner_client.get(reverse("dashboard"), {"q": "zzz"})
    assert "No draft matches" in nothing.content.decode()


def test_pagination_is_by_recency_and_survives_bad_page_numbers(owner_client, owner):
    now = timezone.now()
    JobDraft.objects.bulk_create(
        [
            JobDraft(owner=owner, name=f"draft_{i:03d}", updated_at=now - timezone.timedelta(minutes=i))
            for i in range(60)
        ]
    )
    first = owner_client.get(reverse("dashboard")).content.decode()
    assert "draft_000" in first and "draft_025" not in first and "page 1 of 3" in first
    third = owner_client.get(reverse("dashboard"), {"page": 3}).content.decode()
    # The page's keys are read first, its rows after: the rows still come in recency order.
    assert re.findall(r"draft_\d{3}", third) == [f"draft_{i:03d}" for i in range(50, 60)]
    for page in ("999", "abc", "-1"):
        assert owner_client.get(reverse("dashboard"), {"page": page}).status_code == 200


def test_dashboard_query_count_does_not_grow(owner_client, owner, django_assert_max_num_queries):
    JobDraft.objects.bulk_create([JobDraft(owner=owner, name=f"d{i}") for i in range(200)])
    # session, user (with their saved language), teams, count, the page's keys, its rows, submissions, review queue
    with django_assert_max_num_queries(8):
        owner_client.get(reverse("dashboard"), {"q": "d1"})


def test_search_counts_matches_up_to_a_cap(owner_client, owner, monkeypatch):
    from cdmweb.jobs.models import JobDraft
    from cdmweb.jobs.views import dashboard as views

    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 30)
    JobDraft.objects.bulk_create([JobDraft(owner=owner, name=f"orders_{i}") for i in range(40)])
    page = owner_client.get("/?q=orders").content.decode()
    assert "30+ drafts" in page and "page 1 of 2" in page
    exact = owner_client.get("/?q=orders_1").content.decode()  # orders_1, orders_10..19: 11
    assert "11 drafts" in exact


def test_a_user_changes_their_password_and_stays_logged_in(client, django_user_model):
    user = django_user_model.objects.create_user("changer", password="first-pass-1234")
    client.force_login(user)
    url = reverse("password_change")
    assert 'href="/accounts/password/"' in client.get(reverse("dashboard")).content.decode()
    wrong = client.post(url, {"old_password": "nope", "new_password1": "x", "new_password2": "x"})
    assert wrong.status_code == 200 and "Your old password was entered incorrectly" in wrong.content.decode()
    weak = client.post(url, {"old_password": "first-pass-1234", "new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and "This password is too short" in weak.content.decode()
    data = {"old_password": "first-pass-1234", "new_password1": "second-pass-5678", "new_password2": "second-pass-5678"}
    done = client.post(url, data, follow=True)
    assert "Your password is changed." in done.content.decode() and done.wsgi_request.user.is_authenticated
    user.refresh_from_db()
    assert user.check_password("second-pass-5678")
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("login"))
