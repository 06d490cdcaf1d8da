"""Hostile input, generated: the validation rules, every designer form and the sandbox's endpoints
never answer 500 and never save half of a refused change."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from cdmweb.jobs.models import Comment, ConfigGroup, DraftInput, JobDraft
from cdmweb.jobspec.validation import validate_job

from .conftest import PageClient, hx

FUZZ = hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Text as an attacker would send it: any code point, NUL and lone surrogates' UTF-8 neighbours included.
hostile = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "\x00", "²", "--1", "9" * 40, "-1", "1e9", "<script>alert(1)</script>", "' OR 1=1 --"]),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, blacklist_categories=("Cs",))),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), hostile),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(hostile, inner, max_size=4)),
    max_leaves=20,
)


def snapshot(draft: JobDraft) -> tuple:
    draft.refresh_from_db()
    inputs = tuple(DraftInput.objects.filter(draft=draft).order_by("id").values_list("id", "name", "value", "position"))
    groups = tuple(ConfigGroup.objects.filter(draft=draft).order_by("id").values_list("id", "name"))
    return (draft.name, draft.from_connector, draft.to_connector, draft.from_link, draft.to_link, inputs, groups)


@FUZZ
@given(
    job=st.dictionaries(
        st.sampled_from(
            [
                "name",
                "job_type",
                "from-connector-name",
                "to-connector-name",
                "from-config-values",
                "to-config-values",
                "driver-config-values",
                "from-link-name",
                "to-link-name",
            ]
        )
        | hostile,
        json_values,
        max_size=9,
    )
)
def test_validation_never_raises(job):
    findings = validate_job(job)
    assert isinstance(findings, list)
    assert all(f["status"] in ("ERROR", "WARNING") and isinstance(f["message"], str) for f in findings)


@pytest.fixture
def fuzz_client(owner, draft):
    client = PageClient()
    client.force_login(owner)
    return client


@FUZZ
@given(
    field=st.sampled_from(["name", "job_type", "from_connector", "from_link", "to_connector", "to_link"]),
    value=hostile,
    htmx=st.booleans(),
)
def test_header_form(fuzz_client, draft, field, value, htmx):
    fields = {
        "name": draft.name,
        "job_type": draft.job_type,
        "from_connector": draft.from_connector,
        "from_link": draft.from_link,
        "to_connector": draft.to_connector,
        "to_link": draft.to_link,
    }
    response = fuzz_client.post(
        reverse("header-update", args=[draft.pk]), {**fields, field: value}, **(hx() if htmx else {})
    )
    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    # Saved entirely, or not at all: the other fields are as they were.
    for other, before in fields.items():
        if other != field:
            assert getattr(draft, other) == before


@FUZZ
@given(custom=hostile, catalog=hostile, value=hostile, htmx=st.booleans())
def test_add_input_form(fuzz_client, draft, custom, catalog, value, htmx):
    group = draft.groups.get(side="from")
    before = snapshot(draft)
    response = fuzz_client.post(
        reverse("input-add", args=[draft.pk, group.pk]),
        {"custom_name": custom, "catalog_name": catalog, "value": value},
        **(hx() if htmx else {}),
    )
    assert response.status_code in (200, 302)
    after = snapshot(draft)
    added = len(after[5]) - len(before[5])
    assert added in (0, 1) and after[6] == before[6]
    if added == 0:
        assert after == before


@FUZZ
@given(value=hostile, htmx=st.booleans(), version=st.one_of(st.none(), hostile))
def test_edit_input_form(fuzz_client, draft, value, htmx, version):
    item = draft.inputs.order_by("id").first()
    before = snapshot(draft)
    data = {"value": value} if version is None else {"value": value, "version": version}
    response = fuzz_client.post(reverse("input-update", args=[draft.pk, item.pk]), data, **(hx() if htmx else {}))
    assert response.status_code in (200, 302, 409, 428)
    after = snapshot(draft)
    if response.status_code in (409, 428):
        assert after == before
    changed = [b for b, a in zip(before[5], after[5], strict=True) if a != b]
    assert len(changed) <= 1 and (not changed or changed[0][0] == item.pk) and after[6] == before[6]


@FUZZ
@given(name=hostile, side=st.sampled_from(["from", "to", "driver"]))
def test_add_group_form(fuzz_client, draft, name, side):
    before = snapshot(draft)
    response = fuzz_client.post(reverse("group-add", args=[draft.pk, side]), {"name": name}, **hx())
    assert response.status_code == 200
    after = snapshot(draft)
    assert after[5] == before[5] and len(after[6]) - len(before[6]) in (0, 1)


@FUZZ
@given(body=hostile, input_name=hostile, direction=hostile, team=hostile, message=hostile)
def test_comment_move_share_review_forms(fuzz_client, draft, body, input_name, direction, team, message):
    comments = Comment.objects.count()
    response = fuzz_client.post(
        reverse("comment-add", args=[draft.pk]), {"body": body, "input_name": input_name}, **hx()
    )
    assert response.status_code == 200 and Comment.objects.count() - comments in (0, 1)
    item = draft.inputs.order_by("id").first()
    assert fuzz_client.post(
        reverse("input-move", args=[draft.pk, item.pk]), {"direction": direction}, **hx()
    ).status_code in (200, 400)
    assert fuzz_client.post(reverse("draft-share", args=[draft.pk]), {"team": team}).status_code == 302
    assert fuzz_client.post(reverse("review-request", args=[draft.pk]), {"message": message}).status_code == 302


@FUZZ
@given(target=hostile, mode=hostile, cluster=hostile, pool=st.lists(hostile, max_size=3), key=hostile)
def test_submit_form(fuzz_client, draft, target, mode, cluster, pool, key):
    from cdmweb.jobs.models import Submission
    from cdmweb.jobs.submissions import targets

    sandbox = targets.sandbox_target()
    sandbox.clusters = [{"id": "c1", "name": "c1", "status": "200"}]
    sandbox.save()
    data = {"target": target, "mode": mode, "cluster_id": cluster, "pool": pool, "idempotency_key": key, "submit": "1"}
    response = fuzz_client.post(reverse("submit", args=[draft.pk]), data)
    assert response.status_code == 200  # refused in place: the draft has errors or the form is wrong
    assert not Submission.objects.exists()


@FUZZ
@given(
    query=st.dictionaries(
        st.sampled_from(
            ["partial", "group", "offset", "form", "clusters", "a", "b", "q", "page", "team", "action", "all"]
        ),
        hostile,
        max_size=5,
    )
)
def test_get_parameters(fuzz_client, draft, query):
    for url in (
        reverse("designer", args=[draft.pk]),
        reverse("preview", args=[draft.pk]),
        reverse("dashboard"),
        reverse("history", args=[draft.pk]),
        reverse("export", args=[draft.pk]),
    ):
        for headers in ({}, hx()):
            assert fuzz_client.get(url, query, **headers).status_code in (200, 400, 404)


# --- the sandbox's endpoints ------------------------------------------------------------------------


@pytest.fixture
def token(client, db) -> str:
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": settings.CDM_SANDBOX_USER,
                        "password": settings.CDM_SANDBOX_PASSWORD,
                        "domain": {"name": "d"},
                    }
                },
            },
            "scope": {"project": {"id": settings.CDM_SANDBOX_PROJECT_ID}},
        }
    }
    response = client.post("/v3/auth/tokens", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    return response["X-Subject-Token"]


@FUZZ
@given(body=st.one_of(json_values.map(json.dumps), hostile), job=hostile, cluster=hostile)
def test_sandbox_endpoints(client, token, body, job, cluster):
    from urllib.parse import quote

    project = settings.CDM_SANDBOX_PROJECT_ID
    base = f"/v1.1/{project}/clusters"
    c, j = quote(cluster or "x", safe=""), quote(job or "x", safe="")
    calls = [
        ("post", f"{base}/job"),
        ("post", f"{base}/{c}/cdm/job"),
        ("put", f"{base}/{c}/cdm/job/{j}/start"),
        ("put", f"{base}/{c}/cdm/job/{j}/stop"),
        ("get", f"{base}/{c}/cdm/job/{j}/status"),
        ("get", f"{base}/{c}/cdm/job/{j}"),
        ("delete", f"{base}/{c}/cdm/job/{j}"),
        ("post", "/v3/auth/tokens"),
    ]
    for method, path in calls:
        if method == "get":
            response = client.get(path, HTTP_X_AUTH_TOKEN=token)
        else:
            response = client.generic(method.upper(), path, body, "application/json", HTTP_X_AUTH_TOKEN=token)
        assert response.status_code < 500, (method, path, response.status_code)
        if response.status_code != 404:  # a path no route matches is Django's own 404 page
            assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    "url", ["/?q=a%00b", "/drafts/1/?partial=rows&group=%00", "/v1.1/p/clusters/a%00b/cdm/job", "/reviews/?x%00=1"]
)
def test_a_nul_in_the_path_or_query_is_a_400(fuzz_client, url):
    response = fuzz_client.get(url)
    assert response.status_code == 400 and "NUL" in response.content.decode()
