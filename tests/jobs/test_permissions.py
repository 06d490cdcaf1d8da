"""The permission matrix: every URL and command, every kind of user, GET and POST, exact status.

The draft belongs to a team; ``owner`` owns it (and edits in the team); one member per role;
an outsider in no team; an anonymous visitor. A review of the draft is open, asked for by the
team's editor, and a submission of it (by the editor) has ended.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cdmweb.jobs import reviewing
from cdmweb.jobs.models import Submission
from cdmweb.jobs.submissions import targets

from ..conftest import hx

USERS = ("owner", "viewer", "editor", "reviewer", "admin", "outsider", "anonymous")
LOGIN = 302  # anonymous: sent to the login page


def expect(owner: int, viewer: int, editor: int, reviewer: int, admin: int, outsider: int) -> dict[str, int]:
    return dict(zip(USERS, (owner, viewer, editor, reviewer, admin, outsider, LOGIN), strict=True))


def anyone(code: int) -> dict[str, int]:
    return expect(code, code, code, code, code, code)


def viewers(code: int) -> dict[str, int]:
    """Any member may: view, comment."""
    return expect(code, code, code, code, code, 404)


def editors(code: int) -> dict[str, int]:
    """Editors and up (and the owner) may; a viewer is told no; an outsider learns nothing."""
    return expect(code, 403, code, code, code, 404)


@dataclass
class Objects:
    draft: int
    input: int
    group: int
    review: int
    submission: int
    revision: int
    viewer: int


@dataclass(frozen=True)
class Case:
    label: str
    method: str
    url: Any  # Objects -> str
    statuses: dict[str, int]
    data: Any = None  # Objects -> dict
    htmx: bool = False


TABLE = "fromJobConfig.tableName"

CASES = [
    # Screens anyone logged in has.
    Case("dashboard", "get", lambda o: reverse("dashboard"), anyone(200)),
    Case("new draft form", "get", lambda o: reverse("draft-create"), anyone(200)),
    Case("import form", "get", lambda o: reverse("draft-import"), anyone(200)),
    Case("review queue", "get", lambda o: reverse("review-queue"), anyone(200)),
    Case("change password form", "get", lambda o: reverse("password_change"), anyone(200)),
    Case(
        "create draft",
        "post",
        lambda o: reverse("draft-create"),
        anyone(302),
        lambda o: {
            "name": "new_job",
            "job_type": "NORMAL_JOB",
            "from_connector": "generic-jdbc-connector",
            "from_link": "l1",
            "to_connector": "hive-connector",
            "to_link": "l2",
        },
    ),
    # Reading a draft.
    Case("designer", "get", lambda o: reverse("designer", args=[o.draft]), viewers(200)),
    Case(
        "sides partial",
        "get",
        lambda o: reverse("designer", args=[o.draft]) + "?partial=sides",
        viewers(200),
        htmx=True,
    ),
    Case(
        "group footer partial",
        "get",
        lambda o: reverse("designer", args=[o.draft]) + f"?partial=group-footer&group={o.group}",
        viewers(200),
        htmx=True,
    ),
    Case(
        "rows partial",
        "get",
        lambda o: reverse("designer", args=[o.draft]) + f"?partial=rows&group={o.group}&offset=0",
        viewers(200),
        htmx=True,
    ),
    Case("preview", "get", lambda o: reverse("preview", args=[o.draft]), viewers(200), htmx=True),
    Case("watch for others' changes", "get", lambda o: reverse("draft-watch", args=[o.draft]), viewers(204), htmx=True),
    Case("export", "get", lambda o: reverse("export", args=[o.draft]), viewers(200)),
    Case("history", "get", lambda o: reverse("history", args=[o.draft]), viewers(200)),
    Case("review page", "get", lambda o: reverse("review", args=[o.review]), viewers(200)),
    Case("submission page", "get", lambda o: reverse("submission", args=[o.submission]), viewers(200)),
    Case("submission poll", "get", lambda o: reverse("submission", args=[o.submission]), viewers(200), htmx=True),
    Case("submit form", "get", lambda o: reverse("submit", args=[o.draft]), editors(200)),
    # Changing a draft: plain posts redirect, htmx posts answer with the changed region.
    Case(
        "header",
        "post",
        lambda o: reverse("header-update", args=[o.draft]),
        editors(302),
        lambda o: {
            "name": "renamed",
            "job_type": "NORMAL_JOB",
            "from_connector": "generic-jdbc-connector",
            "from_link": "l1",
            "to_connector": "hive-connector",
            "to_link": "l2",
        },
    ),
    Case(
        "header (htmx)",
        "post",
        lambda o: reverse("header-update", args=[o.draft]),
        editors(200),
        lambda o: {
            "name": "renamed",
            "job_type": "NORMAL_JOB",
            "from_connector": "generic-jdbc-connector",
            "from_link": "l1",
            "to_connector": "hive-connector",
            "to_link": "l2",
        },
        htmx=True,
    ),
    Case(
        "add input",
        "post",
        lambda o: reverse("input-add", args=[o.draft, o.group]),
        editors(302),
        lambda o: {"custom_name": "fromJobConfig.custom", "value": "x"},
    ),
    Case(
        "edit input",
        "post",
        lambda o: reverse("input-update", args=[o.draft, o.input]),
        editors(302),
        lambda o: {"value": "t2"},
    ),
    Case(
        "edit input (htmx)",
        "post",
        lambda o: reverse("input-update", args=[o.draft, o.input]),
        editors(200),
        lambda o: {"value": "t2"},
        htmx=True,
    ),
    Case(
        "move input",
        "post",
        lambda o: reverse("input-move", args=[o.draft, o.input]),
        editors(302),
        lambda o: {"direction": "down"},
    ),
    Case("remove input", "post", lambda o: reverse("input-delete", args=[o.draft, o.input]), editors(302)),
    Case(
        "add group",
        "post",
        lambda o: reverse("group-add", args=[o.draft, "driver"]),
        editors(302),
        lambda o: {"name": "extraConfig"},
    ),
    Case("remove group", "post", lambda o: reverse("group-delete", args=[o.draft, o.group]), editors(302)),
    Case("restore", "post", lambda o: reverse("restore", args=[o.draft, o.revision]), editors(302)),
    Case("request review", "post", lambda o: reverse("review-request", args=[o.draft]), editors(302)),
    # The gate refuses (not approved) on the page itself, with the reason: 200.
    Case(
        "submit",
        "post",
        lambda o: reverse("submit", args=[o.draft]),
        editors(200),
        lambda o: {"mode": "cluster", "cluster_id": "c1", "idempotency_key": "matrix", "submit": "1"},
    ),
    Case("comment", "post", lambda o: reverse("comment-add", args=[o.draft]), viewers(302), lambda o: {"body": "hi"}),
    # Owner-only and admin-only.
    Case(
        "share",
        "post",
        lambda o: reverse("draft-share", args=[o.draft]),
        expect(302, 403, 403, 403, 403, 404),
        lambda o: {"team": ""},
    ),
    Case("delete", "post", lambda o: reverse("draft-delete", args=[o.draft]), expect(302, 403, 403, 403, 302, 404)),
    # The team's page, and its members managed by the team's admins.
    Case("team page", "get", lambda o: reverse("team", args=["crew"]), viewers(200)),
    Case(
        "add member",
        "post",
        lambda o: reverse("team", args=["crew"]),
        expect(403, 403, 403, 403, 302, 404),
        lambda o: {"username": "outsider", "role": "viewer"},
    ),
    Case(
        "remove member",
        "post",
        lambda o: reverse("member-remove", args=["crew", o.viewer]),
        expect(403, 403, 403, 403, 302, 404),
    ),
    Case(
        "team target form",
        "get",
        lambda o: reverse("team-target-add", args=["crew"]),
        expect(403, 403, 403, 403, 200, 404),
    ),
    # Deciding a review: the team's reviewers and admins, never the owner or whoever asked.
    Case(
        "approve",
        "post",
        lambda o: reverse("review", args=[o.review]),
        expect(403, 403, 403, 302, 302, 404),
        lambda o: {"decision": "approve"},
    ),
]

# The wrong method: 405 for anyone logged in, before any look at the draft.
POST_ONLY = [
    c for c in CASES if c.method == "post" and c.label not in ("create draft", "submit", "approve", "add member")
]
GET_ONLY = ["dashboard", "designer", "preview", "export", "history", "review queue", "watch for others' changes"]
WRONG_METHOD = [
    *(Case(f"GET {c.label}", "get", c.url, anyone(405)) for c in POST_ONLY if not c.htmx),
    *(Case(f"POST {c.label}", "post", c.url, anyone(405)) for c in CASES if c.label in GET_ONLY),
]


@pytest.fixture
def objects(crew, crew_draft) -> Objects:
    target = targets.sandbox_target()
    # Known clusters, so the submit form never needs the network.
    target.clusters = [{"id": "c1", "name": "c1", "status": "200"}]
    target.save()
    review = reviewing.request_review(crew_draft, crew["editor"])
    submission = Submission.objects.create(
        draft=crew_draft,
        target=target,
        user=crew["editor"],
        idempotency_key="done",
        cluster_id="c1",
        body={"jobs": []},
        state=Submission.State.REFUSED,
    )
    return Objects(
        draft=crew_draft.pk,
        input=crew_draft.inputs.get(name=TABLE).pk,
        group=crew_draft.groups.get(side="from").pk,
        review=review.pk,
        submission=submission.pk,
        revision=1,
        viewer=crew["viewer"].pk,
    )


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("case", CASES + WRONG_METHOD, ids=lambda c: c.label)
def test_permission_matrix(client, crew, objects, case, user):
    if user != "anonymous":
        client.force_login(crew[user])
    url = case.url(objects)
    data = case.data(objects) if case.data else {}
    response = getattr(client, case.method)(url, data, **(hx() if case.htmx else {}))
    assert response.status_code == case.statuses[user], response.content.decode()[:300]
    if user == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("user", "code", "words"),
    [
        ("owner", 0, ""),
        ("viewer", 0, ""),
        ("editor", 0, ""),
        ("reviewer", 0, ""),
        ("admin", 0, ""),
        ("outsider", 2, "no draft"),
    ],
)
def test_export_job_as_a_user(crew, objects, user, code, words):
    args = ["export_job", str(objects.draft), "--user", crew[user].username]
    if code == 0:
        out = io.StringIO()
        call_command(*args, stdout=out)
        assert '"jobs"' in out.getvalue()
    else:
        with pytest.raises(CommandError, match=words) as failed:
            call_command(*args)
        assert failed.value.returncode == code


@pytest.mark.parametrize(
    ("user", "code", "words"),
    [
        ("owner", 1, "needs approval"),
        ("viewer", 1, "cannot submit"),
        ("editor", 1, "needs approval"),
        ("reviewer", 1, "needs approval"),
        ("admin", 1, "needs approval"),
        ("outsider", 2, "no draft"),
    ],
)
def test_submit_job_as_a_user(crew, objects, user, code, words):
    args = ["submit_job", str(objects.draft), "--target", "sandbox", "--cluster", "c1", "--user", crew[user].username]
    with pytest.raises(CommandError, match=words) as failed:
        call_command(*args)
    assert failed.value.returncode == code
