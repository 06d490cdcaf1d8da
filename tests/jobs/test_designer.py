"""The designer screen and every change it makes, as HTMX partials and as plain form posts."""

from __future__ import annotations

import json
import re
import time

import pytest
from django.urls import reverse

from cdmweb.jobs import editing
from cdmweb.jobs.importing import import_text
from cdmweb.jobs.models import AuditEvent, ConfigGroup, DraftInput, JobDraft

from ..conftest import hx


def group(draft: JobDraft, name: str) -> ConfigGroup:
    return draft.groups.get(name=name)


def names(group: ConfigGroup) -> list[str]:
    return list(group.inputs.order_by("position").values_list("name", flat=True))


def exported(client, draft) -> dict:
    return json.loads(client.get(reverse("export", args=[draft.pk])).content)["jobs"][0]


# --- access -------------------------------------------------------------------------------


def test_outsider_gets_404_everywhere(outsider_client, draft):
    item = draft.inputs.first()
    g = draft.groups.first()
    for url in [
        reverse("designer", args=[draft.pk]),
        reverse("preview", args=[draft.pk]),
        reverse("export", args=[draft.pk]),
    ]:
        assert outsider_client.get(url).status_code == 404
    for url in [
        reverse("header-update", args=[draft.pk]),
        reverse("input-update", args=[draft.pk, item.pk]),
        reverse("input-delete", args=[draft.pk, item.pk]),
        reverse("input-move", args=[draft.pk, item.pk]),
        reverse("input-add", args=[draft.pk, g.pk]),
        reverse("group-add", args=[draft.pk, "driver"]),
        reverse("group-delete", args=[draft.pk, g.pk]),
        reverse("draft-delete", args=[draft.pk]),
    ]:
        assert outsider_client.post(url, {"value": "x", "name": "x"}).status_code == 404
    assert DraftInput.objects.get(pk=item.pk).value == item.value


def test_anonymous_is_sent_to_login(client, draft):
    response = client.get(reverse("designer", args=[draft.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_input_of_another_draft_is_404(owner_client, make_draft):
    first, second = make_draft(name="a"), make_draft(name="b")
    foreign = second.inputs.first()
    assert owner_client.post(reverse("input-update", args=[first.pk, foreign.pk]), {"value": "x"}).status_code == 404


def test_get_on_a_post_only_url_is_405(owner_client, draft):
    assert owner_client.get(reverse("header-update", args=[draft.pk])).status_code == 405


# --- create -------------------------------------------------------------------------------


def test_create_draft_starts_with_required_inputs_and_driver_defaults(owner_client, owner):
    response = owner_client.post(
        reverse("draft-create"),
        {
            "name": "orders",
            "job_type": "NORMAL_JOB",
            "from_connector": "generic-jdbc-connector",
            "from_link": "mysql",
            "to_connector": "dli-connector",
            "to_link": "dli",
        },
    )
    draft = JobDraft.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == reverse("designer", args=[draft.pk])
    job = draft.build()
    assert job["name"] == "orders" and job["to-connector-name"] == "dli-connector"
    to_names = [i["name"] for i in job["to-config-values"]["configs"][0]["inputs"]]
    assert {"toJobConfig.queue", "toJobConfig.database", "toJobConfig.table"} <= set(to_names)
    driver = [c["name"] for c in job["driver-config-values"]["configs"]]
    assert driver == ["throttlingConfig", "jarConfig", "schedulerConfig", "transformConfig", "retryJobConfig"]
    # Required values are still empty, so the new draft shows errors to fill in.
    assert draft.error_count > 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required"),
        ("name", "   ", "cannot be blank"),
        ("name", "x" * 241, "at most 240"),
        ("job_type", "STREAM_JOB", "Select a valid choice"),
        ("from_connector", "teradata-connector", "Select a valid choice"),
        ("to_connector", "kafka-connector", "Select a valid choice"),
        ("from_link", " ", "This field is required"),
    ],
)
def test_create_form_errors_show_at_the_field(owner_client, owner, field, value, message):
    data = {
        "name": "ok",
        "job_type": "NORMAL_JOB",
        "from_connector": "generic-jdbc-connector",
        "from_link": "a",
        "to_connector": "hive-connector",
        "to_link": "b",
        field: value,
    }
    response = owner_client.post(reverse("draft-create"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not JobDraft.objects.exists()


# --- the page -----------------------------------------------------------------------------


def test_designer_shows_sides_groups_typed_widgets_and_preview(owner_client, draft):
    html = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    for text in ["Source", "Destination", "Driver", "fromJobConfig", "toJobConfig", "throttlingConfig", "preview-json"]:
        assert text in html
    use_sql = draft.inputs.get(name="fromJobConfig.useSql")
    assert f'id="value-{use_sql.pk}" name="value" class="form-select' in html  # boolean as a select
    assert "Not applicable with the current values" in html  # sql offered only when useSql=true
    assert "&quot;jobs&quot;" in html  # the create-in-cluster body


def test_designer_masks_secrets_in_widgets_and_preview(owner_client, make_draft):
    draft = make_draft(from_connector="obs-connector")
    g = group(draft, "fromJobConfig")
    DraftInput.objects.create(draft=draft, group=g, name="fromJobConfig.dek", value="TOP-SECRET-KEY", position=99)
    DraftInput.objects.create(draft=draft, group=g, name="fromJobConfig.dbPassword", value="HUNTER2", position=100)
    html = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    assert "TOP-SECRET-KEY" not in html and "HUNTER2" not in html
    assert "********" in html and 'type="password"' in html
    preview = owner_client.get(reverse("preview", args=[draft.pk]), **hx()).content.decode()
    assert "TOP-SECRET-KEY" not in preview
    # The export is the real request body, secrets included.
    assert "TOP-SECRET-KEY" in owner_client.get(reverse("export", args=[draft.pk])).content.decode()


def test_values_are_escaped(owner_client, draft):
    item = draft.inputs.get(name="fromJobConfig.schemaName")
    DraftInput.objects.filter(pk=item.pk).update(value='<script>alert("x")</script>')
    html = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    assert '<script>alert("x")</script>' not in html and "&lt;script&gt;" in html


def test_preview_shows_both_request_forms(owner_client, draft):
    create = owner_client.get(reverse("preview", args=[draft.pk]), **hx()).content.decode()
    assert "/clusters/{cluster_id}/cdm/job" in create and "&quot;clusters&quot;" not in create
    random = owner_client.get(reverse("preview", args=[draft.pk]), {"form": "random", "clusters": "c-1, c-2"}, **hx())
    body = random.content.decode()
    assert "/clusters/job" in body and "&quot;c-1&quot;" in body and "&quot;c-2&quot;" in body
    assert 'id="preview"' in body and "<nav" not in body


def test_preview_without_htmx_is_the_full_page(owner_client, draft):
    html = owner_client.get(reverse("preview", args=[draft.pk]), {"form": "random"}).content.decode()
    assert "<nav" in html and "/clusters/job" in html


def test_partial_regions(owner_client, draft):
    sides = owner_client.get(reverse("designer", args=[draft.pk]), {"partial": "sides"}, **hx()).content.decode()
    assert sides.lstrip().startswith('<div id="sides"') and "<nav" not in sides


# --- input changes ------------------------------------------------------------------------


def test_add_catalogue_input_uses_its_default_and_returns_only_the_new_row(owner_client, draft):
    g = group(draft, "throttlingConfig")
    response = owner_client.post(
        reverse("input-add", args=[draft.pk, g.pk]), {"catalog_name": "throttlingConfig.channelCapacityMb"}, **hx()
    )
    item = draft.inputs.get(name="throttlingConfig.channelCapacityMb")
    assert response.status_code == 200 and item.value == "64"
    assert names(g)[-1] == "throttlingConfig.channelCapacityMb"
    # Appended to the group's rows; the group's footer (picker, findings) is told to reload.
    assert response.content.decode().lstrip().startswith(f'<form id="input-{item.pk}"')
    assert (response["HX-Retarget"], response["HX-Reswap"]) == (f"#rows-{g.pk}", "beforeend")
    assert json.loads(response["HX-Trigger"]) == {"draft-changed": {}, f"group-changed-{g.pk}": {}}
    footer = owner_client.get(reverse("designer", args=[draft.pk]), {"partial": "group-footer", "group": g.pk}, **hx())
    html = footer.content.decode()
    assert html.lstrip().startswith(f'<div id="group-footer-{g.pk}"')
    assert 'value="throttlingConfig.channelCapacityMb"' not in html  # no longer offered
    assert 'value="throttlingConfig.byteRate"' in html
    missing = owner_client.get(reverse("designer", args=[draft.pk]), {"partial": "group-footer", "group": 0}, **hx())
    assert missing.status_code == 404


def test_add_custom_input_gets_the_group_prefix_and_a_warning(owner_client, draft):
    g = group(draft, "fromJobConfig")
    response = owner_client.post(
        reverse("input-add", args=[draft.pk, g.pk]), {"custom_name": "fetchHint", "value": "7"}, **hx()
    )
    html = response.content.decode()
    assert draft.inputs.get(name="fromJobConfig.fetchHint").value == "7"
    assert "custom" in html and "not in the catalogue" in html


def test_custom_input_in_a_new_group(owner_client, draft):
    response = owner_client.post(reverse("group-add", args=[draft.pk, "driver"]), {"name": "myConfig"}, **hx())
    assert response.status_code == 200 and "myConfig" in response.content.decode()
    g = group(draft, "myConfig")
    owner_client.post(reverse("input-add", args=[draft.pk, g.pk]), {"custom_name": "answer", "value": "42"}, **hx())
    configs = exported(owner_client, draft)["driver-config-values"]["configs"]
    assert configs[-1] == {"inputs": [{"name": "myConfig.answer", "value": "42"}], "name": "myConfig"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an input"),
        ({"custom_name": "has space"}, "not a usable key"),
        ({"custom_name": "useSql"}, "already in fromJobConfig"),
        ({"custom_name": "x" * 300}, "at most 255"),
        # A pick and a custom key at once: neither is dropped without a word.
        ({"catalog_name": "fromJobConfig.whereClause", "custom_name": "fetchHint"}, "keep one of them"),
    ],
)
def test_add_input_refusals_show_in_the_group_with_200(owner_client, draft, data, message):
    g = group(draft, "fromJobConfig")
    before = draft.inputs.count()
    response = owner_client.post(reverse("input-add", args=[draft.pk, g.pk]), data, **hx())
    assert response.status_code == 200 and message in response.content.decode()
    assert draft.inputs.count() == before and "HX-Trigger" not in response


def test_add_input_refusal_without_htmx_rerenders_the_page(owner_client, draft):
    g = group(draft, "fromJobConfig")
    response = owner_client.post(reverse("input-add", args=[draft.pk, g.pk]), {"custom_name": "bad key"})
    assert response.status_code == 200 and "not a usable key" in response.content.decode()
    assert "<nav" in response.content.decode()


def test_edit_input_returns_the_row_with_live_findings(owner_client, draft):
    item = draft.inputs.get(name="throttlingConfig.numExtractors")
    url = reverse("input-update", args=[draft.pk, item.pk])
    response = owner_client.post(url, {"value": "500"}, **hx())
    html = response.content.decode()
    assert html.lstrip().startswith(f'<form id="input-{item.pk}"')
    assert "Cdm.0024" in html and json.loads(response["HX-Trigger"]) == {"draft-changed": {}}
    draft.refresh_from_db()
    assert draft.error_count >= 1
    fixed = owner_client.post(url, {"value": "2"}, **hx()).content.decode()
    assert "Cdm.0024" not in fixed
    assert DraftInput.objects.get(pk=item.pk).value == "2"


def test_editing_a_controlling_input_redraws_the_inputs_that_depend_on_it(owner_client, draft):
    item = draft.inputs.get(name="fromJobConfig.useSql")
    schema = draft.inputs.get(name="fromJobConfig.schemaName")
    response = owner_client.post(reverse("input-update", args=[draft.pk, item.pk]), {"value": "true"}, **hx())
    html = response.content.decode()
    assert html.lstrip().startswith(f'<form id="input-{item.pk}"')
    # schemaName/tableName go out of band, greyed out and flagged: they apply only when useSql=false.
    assert f'<form id="input-{schema.pk}" class="input-row not-applicable"' in html
    assert 'hx-swap-oob="true"' in html and "applies only when useSql=false" in html
    assert json.loads(response["HX-Trigger"]) == {"draft-changed": {}, f"group-changed-{item.group_id}": {}}
    footer = owner_client.get(
        reverse("designer", args=[draft.pk]), {"partial": "group-footer", "group": item.group_id}, **hx()
    )
    assert '<option value="fromJobConfig.sql"' in footer.content.decode()


def test_edit_keeps_values_exactly(owner_client, draft):
    item = draft.inputs.get(name="fromJobConfig.schemaName")
    value = 'ünï ${x} "q" <b>\r\nline2'
    owner_client.post(reverse("input-update", args=[draft.pk, item.pk]), {"value": value}, **hx())
    inputs = exported(owner_client, draft)["from-config-values"]["configs"][0]["inputs"]
    assert {"name": "fromJobConfig.schemaName", "value": value} in inputs


def test_blank_secret_post_keeps_the_stored_secret(owner_client, make_draft):
    draft = make_draft(from_connector="obs-connector")
    item = DraftInput.objects.create(
        draft=draft, group=group(draft, "fromJobConfig"), name="fromJobConfig.dek", value="K1", position=50
    )
    url = reverse("input-update", args=[draft.pk, item.pk])
    owner_client.post(url, {"value": "", "keep_secret": "1"}, **hx())
    assert DraftInput.objects.get(pk=item.pk).value == "K1"
    owner_client.post(url, {"value": "K2", "keep_secret": "1"}, **hx())
    assert DraftInput.objects.get(pk=item.pk).value == "K2"


def test_edit_value_over_the_limit_is_refused_and_nothing_lost(owner_client, draft):
    item = draft.inputs.get(name="fromJobConfig.schemaName")
    DraftInput.objects.filter(pk=item.pk).update(value="kept")
    response = owner_client.post(reverse("input-update", args=[draft.pk, item.pk]), {"value": "x" * 1_000_001}, **hx())
    assert response.status_code == 200 and "at most 1000000" in response.content.decode()
    assert DraftInput.objects.get(pk=item.pk).value == "kept"


def test_imported_non_string_value_becomes_a_string_when_edited(owner_client, owner):
    body = {
        "to-link-name": "x",
        "from-config-values": {
            "configs": [{"name": "fromJobConfig", "inputs": [{"name": "fromJobConfig.port", "value": 22}]}]
        },
    }
    (draft,), _ = import_text(json.dumps(body), owner)
    item = draft.inputs.get()
    assert item.wire_value == 22
    owner_client.post(reverse("input-update", args=[draft.pk, item.pk]), {"value": "23"}, **hx())
    assert exported(owner_client, draft)["from-config-values"]["configs"][0]["inputs"] == [
        {"name": "fromJobConfig.port", "value": "23"}
    ]


def undo_token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_remove_input_offers_undo_in_its_place(owner_client, draft):
    item = draft.inputs.get(name="throttlingConfig.numLoaders")
    response = owner_client.post(reverse("input-delete", args=[draft.pk, item.pk]), **hx())
    html = response.content.decode()
    assert (
        response.status_code == 200
        and "removed-row" in html
        and "Removed <code>throttlingConfig.numLoaders</code>" in html
    )
    assert 'data-undo-seconds="10"' in html and undo_token(response)
    assert json.loads(response["HX-Trigger"]) == {"draft-changed": {}, f"group-changed-{item.group_id}": {}}
    assert not DraftInput.objects.filter(pk=item.pk).exists()


def test_undo_puts_the_input_back_where_it_was_with_its_value(owner_client, draft):
    g = group(draft, "throttlingConfig")
    original = names(g)
    item = g.inputs.get(name=original[1])
    item.value = "7"
    item.save()
    version = JobDraft.objects.get(pk=draft.pk).version
    token = undo_token(owner_client.post(reverse("input-delete", args=[draft.pk, item.pk]), **hx()))
    assert names(g) == [original[0], *original[2:]]
    restored = owner_client.post(reverse("input-restore", args=[draft.pk]), {"token": token}, **hx())
    assert restored.status_code == 200 and "HX-Retarget" not in restored  # in its Undo line's place
    assert names(g) == original and g.inputs.get(name=original[1]).value == "7"
    new_id = g.inputs.get(name=original[1]).pk
    assert json.loads(restored["HX-Trigger-After-Settle"]) == {"input-added": {"row": new_id}}
    assert json.loads(restored["HX-Trigger"]) == {"draft-changed": {}, f"group-changed-{g.pk}": {}}
    assert restored.content.decode().lstrip().startswith(f'<form id="input-{new_id}"')
    assert JobDraft.objects.get(pk=draft.pk).version == version + 2
    assert AuditEvent.objects.filter(draft=draft, detail=f"restored {original[1]}").exists()
    # Once only: a second Undo says so in place, and changes nothing.
    again = owner_client.post(reverse("input-restore", args=[draft.pk]), {"token": token}, **hx())
    assert again.status_code == 200 and "Too late to undo" in again.content.decode()
    assert names(g) == original


def test_undo_after_the_place_was_taken_keeps_positions_distinct(owner_client, draft):
    g = group(draft, "retryJobConfig")
    newest = DraftInput.objects.filter(draft=draft).order_by("-position").first()
    token = undo_token(owner_client.post(reverse("input-delete", args=[draft.pk, newest.pk]), **hx()))
    owner_client.post(reverse("input-add", args=[draft.pk, g.pk]), {"custom_name": "taker", "value": "1"}, **hx())
    owner_client.post(reverse("input-restore", args=[draft.pk]), {"token": token}, **hx())
    positions = list(DraftInput.objects.filter(draft=draft).values_list("position", flat=True))
    assert len(positions) == len(set(positions))
    restored = DraftInput.objects.get(draft=draft, name=newest.name)
    taker = DraftInput.objects.get(draft=draft, name="retryJobConfig.taker")
    assert restored.position < taker.position  # back where it was: before what came after it


def test_undo_keeps_a_secret_without_showing_it(owner_client, make_draft):
    draft = make_draft()
    g = group(draft, "fromJobConfig")
    item = DraftInput.objects.create(
        draft=draft, group=g, name="fromJobConfig.dbPassword", value="s3cret-Pa55", position=99
    )
    response = owner_client.post(reverse("input-delete", args=[draft.pk, item.pk]), **hx())
    assert "s3cret-Pa55" not in response.content.decode()
    owner_client.post(reverse("input-restore", args=[draft.pk]), {"token": undo_token(response)}, **hx())
    assert draft.inputs.get(name=item.name).value == "s3cret-Pa55"


def test_undo_refusals(owner_client, draft, make_draft):
    item = draft.inputs.get(name="throttlingConfig.numLoaders")
    token = undo_token(owner_client.post(reverse("input-delete", args=[draft.pk, item.pk]), **hx()))
    other = make_draft()
    foreign = owner_client.post(reverse("input-restore", args=[other.pk]), {"token": token}, **hx())
    assert "Too late to undo" in foreign.content.decode()  # a token names one draft's removal only
    assert not other.inputs.filter(name=item.name, group__name="throttlingConfig").count() > 1
    owner_client.post(reverse("input-add", args=[draft.pk, item.group_id]), {"catalog_name": item.name}, **hx())
    taken = owner_client.post(reverse("input-restore", args=[draft.pk]), {"token": token}, **hx())
    assert "already back in throttlingConfig" in taken.content.decode()
    token = undo_token(
        owner_client.post(reverse("input-delete", args=[draft.pk, draft.inputs.get(name=item.name).pk]), **hx())
    )
    owner_client.post(reverse("group-delete", args=[draft.pk, item.group_id]), **hx())
    gone = owner_client.post(reverse("input-restore", args=[draft.pk]), {"token": token}, **hx())
    assert "its group has been removed" in gone.content.decode()


def test_undo_expires_after_its_seconds_even_without_javascript(owner_client, draft, monkeypatch):
    item = draft.inputs.get(name="throttlingConfig.numLoaders")
    token = undo_token(owner_client.post(reverse("input-delete", args=[draft.pk, item.pk]), **hx()))
    later = time.time() + editing.UNDO_SECONDS + 6
    monkeypatch.setattr(editing.time, "time", lambda: later)
    assert editing.removed_input_name(draft, token) is None
    late = owner_client.post(reverse("input-restore", args=[draft.pk]), {"token": token}, **hx())
    assert "Too late to undo" in late.content.decode() and not draft.inputs.filter(name=item.name).exists()


def test_remove_and_undo_without_javascript(owner_client, draft):
    item = draft.inputs.get(name="throttlingConfig.numLoaders")
    response = owner_client.post(reverse("input-delete", args=[draft.pk, item.pk]), {"version": draft.version})
    assert response.status_code == 302 and "?undo=" in response["Location"]
    page = owner_client.get(response["Location"].split("#")[0])
    html = page.content.decode()
    assert "Removed <code>throttlingConfig.numLoaders</code>" in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    version = JobDraft.objects.get(pk=draft.pk).version
    back = owner_client.post(reverse("input-restore", args=[draft.pk]), {"token": token, "version": version})
    assert back.status_code == 302 and draft.inputs.filter(name=item.name).exists()
    late = owner_client.post(reverse("input-restore", args=[draft.pk]), {"token": token, "version": version + 1})
    assert late.status_code == 302
    assert "Too late to undo" in owner_client.get(late["Location"]).content.decode()


def test_reorder_inputs_within_their_group(owner_client, draft):
    g = group(draft, "throttlingConfig")
    original = names(g)
    second = g.inputs.get(name=original[1])
    owner_client.post(reverse("input-move", args=[draft.pk, second.pk]), {"direction": "up"}, **hx())
    assert names(g) == [original[1], original[0], *original[2:]]
    owner_client.post(reverse("input-move", args=[draft.pk, second.pk]), {"direction": "up"}, **hx())  # at the top
    assert names(g) == [original[1], original[0], *original[2:]]
    owner_client.post(reverse("input-move", args=[draft.pk, second.pk]), {"direction": "down"}, **hx())
    assert names(g) == original
    built = [i["name"] for i in exported(owner_client, draft)["driver-config-values"]["configs"][0]["inputs"]]
    assert built == original
    bad = owner_client.post(reverse("input-move", args=[draft.pk, second.pk]), {"direction": "sideways"}, **hx())
    assert bad.status_code == 400 and "Move up or down" in bad.content.decode()
    plain = owner_client.post(reverse("input-move", args=[draft.pk, second.pk]), {"direction": "sideways"})
    assert plain.status_code == 200 and "Move up or down" in plain.content.decode()


def test_move_answers_with_an_event_the_page_acts_on(owner_client, draft):
    g = group(draft, "throttlingConfig")
    first, second = g.inputs.order_by("position")[:2]
    response = owner_client.post(reverse("input-move", args=[draft.pk, second.pk]), {"direction": "up"}, **hx())
    assert response.content == b""
    assert json.loads(response["HX-Trigger"]) == {
        "draft-changed": {},
        "input-moved": {"row": second.pk, "other": first.pk, "direction": "up"},
    }
    at_top = owner_client.post(reverse("input-move", args=[draft.pk, second.pk]), {"direction": "up"}, **hx())
    assert json.loads(at_top["HX-Trigger"]) == {"draft-changed": {}}


def test_remove_group_and_bad_group_names(owner_client, draft):
    g = group(draft, "jarConfig")
    owner_client.post(reverse("group-delete", args=[draft.pk, g.pk]), **hx())
    assert not draft.groups.filter(name="jarConfig").exists()
    for name, message in [
        ("bad name", "starts with a letter"),
        ("throttlingConfig", "already there"),
        ("", "required"),
    ]:
        response = owner_client.post(reverse("group-add", args=[draft.pk, "driver"]), {"name": name}, **hx())
        assert response.status_code == 200 and message in response.content.decode()
    assert owner_client.post(reverse("group-add", args=[draft.pk, "sideways"]), {"name": "x"}).status_code == 404
    # Without JavaScript the refusal is the whole designer, as GET draws it, with the message in place.
    plain = owner_client.post(reverse("group-add", args=[draft.pk, "driver"]), {"name": "bad name"})
    html = plain.content.decode()
    assert plain.status_code == 200 and "starts with a letter" in html
    assert 'id="preview-json"' in html and 'id="header_name"' in html and 'id="comments"' in html


def test_header_change_saves_and_tells_the_sides_to_refresh(owner_client, draft):
    data = {
        "name": "renamed",
        "job_type": "BATCH_JOB",
        "from_connector": "generic-jdbc-connector",
        "from_link": "mysql_link",
        "to_connector": "hdfs-connector",
        "to_link": "hdfs_link",
    }
    response = owner_client.post(reverse("header-update", args=[draft.pk]), data, **hx())
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"draft-changed": {}, "sides-changed": {}}
    draft.refresh_from_db()
    assert (draft.name, draft.job_type, draft.to_connector) == ("renamed", "BATCH_JOB", "hdfs-connector")
    same = owner_client.post(reverse("header-update", args=[draft.pk]), data, **hx())
    assert json.loads(same["HX-Trigger"]) == {"draft-changed": {}}


def test_invalid_header_shows_the_error_and_keeps_the_saved_values(owner_client, draft):
    data = {
        "name": "x" * 300,
        "job_type": "NORMAL_JOB",
        "from_connector": "generic-jdbc-connector",
        "from_link": "a",
        "to_connector": "hive-connector",
        "to_link": "b",
    }
    response = owner_client.post(reverse("header-update", args=[draft.pk]), data, **hx())
    assert response.status_code == 200 and "at most 240" in response.content.decode()
    draft.refresh_from_db()
    assert draft.name == "orders_sync"


# --- every interaction also works without JavaScript ---------------------------------------


def test_plain_posts_redirect_back_to_the_designer(owner_client, draft):
    designer = reverse("designer", args=[draft.pk])
    item = draft.inputs.get(name="throttlingConfig.numLoaders")
    g = group(draft, "throttlingConfig")
    posts = [
        (reverse("input-update", args=[draft.pk, item.pk]), {"value": "3"}),
        (reverse("input-move", args=[draft.pk, item.pk]), {"direction": "up"}),
        (reverse("input-add", args=[draft.pk, g.pk]), {"custom_name": "extra", "value": "1"}),
        (reverse("group-add", args=[draft.pk, "driver"]), {"name": "smnConfig"}),
        (reverse("input-delete", args=[draft.pk, item.pk]), {}),
    ]
    for url, data in posts:
        response = owner_client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith(designer), url
    assert draft.inputs.filter(name="throttlingConfig.extra").exists()
    assert not draft.inputs.filter(pk=item.pk).exists()


def test_delete_draft(owner_client, draft):
    response = owner_client.post(reverse("draft-delete", args=[draft.pk]))
    assert response.status_code == 302 and not JobDraft.objects.filter(pk=draft.pk).exists()


# --- size ---------------------------------------------------------------------------------


def big_body(count: int) -> str:
    inputs = [{"name": f"fromJobConfig.custom{i}", "value": f"v{i}"} for i in range(count)]
    return json.dumps(
        {
            "jobs": [
                {
                    "name": "big",
                    "from-connector-name": "generic-jdbc-connector",
                    "from-link-name": "a",
                    "to-connector-name": "hive-connector",
                    "to-link-name": "b",
                    "from-config-values": {"configs": [{"name": "fromJobConfig", "inputs": inputs}]},
                    "to-config-values": {"configs": []},
                    "driver-config-values": {"configs": []},
                }
            ]
        }
    )


def test_a_draft_with_1000_inputs_works_end_to_end(owner_client, owner):
    (draft,), _ = import_text(big_body(1000), owner)
    assert draft.inputs.count() == 1000
    assert owner_client.get(reverse("designer", args=[draft.pk])).status_code == 200
    job = exported(owner_client, draft)
    assert [i["value"] for i in job["from-config-values"]["configs"][0]["inputs"]][-1] == "v999"


def count_queries(client, draft, django_capture_on_commit_callbacks=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    item = draft.inputs.order_by("position")[5]
    g = item.group
    results = {}
    calls = {
        "page": lambda: client.get(reverse("designer", args=[draft.pk])),
        "preview": lambda: client.get(reverse("preview", args=[draft.pk]), **hx()),
        "edit": lambda: client.post(reverse("input-update", args=[draft.pk, item.pk]), {"value": "x"}, **hx()),
        "move": lambda: client.post(reverse("input-move", args=[draft.pk, item.pk]), {"direction": "up"}, **hx()),
        "add": lambda: client.post(reverse("input-add", args=[draft.pk, g.pk]), {"custom_name": "zz"}, **hx()),
    }
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as ctx:
            assert call().status_code == 200
        results[name] = len(ctx.captured_queries)
    return results


def test_query_counts_do_not_grow_with_the_number_of_inputs(owner_client, owner):
    (small,), _ = import_text(big_body(10), owner)
    (large,), _ = import_text(big_body(500), owner)
    assert count_queries(owner_client, small) == count_queries(owner_client, large)


def test_missing_required_input_offers_to_add_it(owner_client, make_draft):
    draft = make_draft(to_connector="dis-connector")
    draft.inputs.filter(name="toJobConfig.streamName").delete()
    html = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    assert "toJobConfig.streamName cannot be left blank" in html
    assert '<input type="hidden" name="catalog_name" value="toJobConfig.streamName">' in html
    g = group(draft, "toJobConfig")
    owner_client.post(reverse("input-add", args=[draft.pk, g.pk]), {"catalog_name": "toJobConfig.streamName"}, **hx())
    assert draft.inputs.filter(name="toJobConfig.streamName").exists()


def test_big_groups_draw_a_window_and_load_the_rest_as_they_scroll(owner_client, owner):
    from cdmweb.jobs.designer import ROW_CHUNK as C
    from cdmweb.jobs.designer import ROW_WINDOW as W

    total = W + C + C // 2
    (draft,), _ = import_text(big_body(total), owner)
    group_id = draft.groups.get(name="fromJobConfig").pk
    page = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    assert page.count('class="input-row') == W
    assert f"partial=rows&amp;group={group_id}&amp;offset={W}" in page and 'hx-trigger="revealed"' in page
    url = reverse("designer", args=[draft.pk])
    second = owner_client.get(url, {"partial": "rows", "group": group_id, "offset": W}, **hx()).content.decode()
    assert second.count('class="input-row') == C and f"offset={W + C}" in second
    last = owner_client.get(url, {"partial": "rows", "group": group_id, "offset": W + C}, **hx()).content.decode()
    assert last.count('class="input-row') == C // 2 and "more-rows" not in last
    assert f'value="v{total - 1}"' in last
    # Without JavaScript, "show all" draws every row.
    assert owner_client.get(url, {"all": "1"}).content.decode().count('class="input-row') == total
    assert owner_client.get(url, {"partial": "rows", "group": 0}, **hx()).status_code == 404


def test_plain_posts_about_a_row_past_the_window_come_back_to_it(owner_client, owner):
    from cdmweb.jobs.designer import ROW_WINDOW as W
    from cdmweb.jobs.forms import MAX_VALUE_CHARS

    (draft,), _ = import_text(big_body(W + 10), owner)
    rows = list(draft.inputs.filter(group__name="fromJobConfig").order_by("position", "id"))
    near, far = rows[W - 1], rows[W + 5]
    version = lambda: str(JobDraft.objects.get(pk=draft.pk).version)  # noqa: E731
    edit = reverse("input-update", args=[draft.pk, near.pk])
    assert owner_client.post(edit, {"value": "x", "version": version()})["Location"].endswith(f"/#input-{near.pk}")
    edit = reverse("input-update", args=[draft.pk, far.pk])
    back = owner_client.post(edit, {"value": "y", "version": version()})
    assert back["Location"].endswith(f"/?all=1#input-{far.pk}")
    assert f'id="input-{far.pk}"' in owner_client.get(back["Location"]).content.decode()
    # A refused value on that row: the whole page, with the row and its message on it.
    refused = owner_client.post(edit, {"value": "z" * (MAX_VALUE_CHARS + 1), "version": version()}).content.decode()
    row = refused[refused.index(f'id="input-{far.pk}"') :]
    assert "Ensure this value has at most" in row[: row.index("</form>")]


# --- hostile and odd input: never a 500, never a leaked secret, never a lost edit -----------


@pytest.mark.parametrize("value", ["--1", "²", "9" * 5000, "1e3"])
def test_odd_integers_are_findings_not_crashes(owner_client, draft, value):
    item = draft.inputs.get(name="throttlingConfig.numExtractors")
    response = owner_client.post(reverse("input-update", args=[draft.pk, item.pk]), {"value": value}, **hx())
    assert response.status_code == 200 and "Cdm.0009" in response.content.decode()
    assert owner_client.get(reverse("designer", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize("group", ["²", "9" * 5000, "-1", "x"])
def test_odd_query_ids_are_404_not_500(owner_client, draft, group):
    url = reverse("designer", args=[draft.pk])
    for partial in ("rows", "group-footer"):
        response = owner_client.get(url, {"partial": partial, "group": group, "offset": group}, **hx())
        assert response.status_code == 404


def test_secrets_in_every_shape_are_masked_on_pages(owner_client, owner):
    body = {
        "to-link-name": "x",
        "from-connector-name": "generic-jdbc-connector",
        "from-config-values": {
            "configs": [
                {
                    "name": "fromJobConfig",
                    "inputs": [
                        {"name": "fromJobConfig.password", "values": "VALUES-SECRET"},
                        {"name": "fromJobConfig.dbPassword", "value": 987654321},
                        {"name": "fromJobConfig.apiToken", "value": "Hunter2%40Secret"},
                    ],
                }
            ]
        },
        "to-config-values": {
            "configs": [
                {
                    "name": "toJobConfig",
                    "inputs": [
                        {"name": "toJobConfig.password", "value": "RAW-SIDE-SECRET"},
                        {"value": "no name"},
                    ],
                }
            ]
        },
    }
    (draft,), _ = import_text(json.dumps(body), owner)
    assert "to-config-values" in draft.extra  # kept raw: the designer cannot edit that side
    pages = [
        owner_client.get(reverse("designer", args=[draft.pk])),
        owner_client.get(reverse("preview", args=[draft.pk]), **hx()),
        owner_client.get(reverse("admin:jobs_jobdraft_change", args=[draft.pk])),
    ]
    for page in pages:
        html = page.content.decode()
        for secret in ("VALUES-SECRET", "987654321", "Hunter2", "RAW-SIDE-SECRET"):
            assert secret not in html
    exported = owner_client.get(reverse("export", args=[draft.pk])).content.decode()
    assert "VALUES-SECRET" in exported and "987654321" in exported  # the export is the real body


def test_blank_post_to_a_json_secret_keeps_it_as_json(owner_client, owner):
    body = {
        "to-link-name": "x",
        "from-config-values": {
            "configs": [{"name": "fromJobConfig", "inputs": [{"name": "fromJobConfig.dbPassword", "value": 12345}]}]
        },
    }
    (draft,), _ = import_text(json.dumps(body), owner)
    item = draft.inputs.get()
    owner_client.post(reverse("input-update", args=[draft.pk, item.pk]), {"value": "", "keep_secret": "1"}, **hx())
    assert DraftInput.objects.get(pk=item.pk).wire_value == 12345


def test_header_edit_replaces_an_imported_non_string_value(owner_client, owner):
    body = {"name": 123, "to-link-name": "b", "from-connector-name": "generic-jdbc-connector"}
    (draft,), _ = import_text(json.dumps(body), owner)
    data = {
        "name": "renamed",
        "job_type": "NORMAL_JOB",
        "from_connector": "generic-jdbc-connector",
        "from_link": "a",
        "to_connector": "hive-connector",
        "to_link": "b",
    }
    owner_client.post(reverse("header-update", args=[draft.pk]), data, **hx())
    assert exported(owner_client, draft)["name"] == "renamed"


def test_a_side_kept_raw_refuses_new_groups(owner_client, owner):
    body = {"to-link-name": "b", "from-connector-name": "x", "to-config-values": {"configs": "weird"}}
    (draft,), _ = import_text(json.dumps(body), owner)
    response = owner_client.post(reverse("group-add", args=[draft.pk, "to"]), {"name": "toJobConfig"}, **hx())
    assert response.status_code == 200 and "cannot edit" in response.content.decode()
    assert not draft.groups.filter(side="to").exists()
    assert exported(owner_client, draft)["to-config-values"] == {"configs": "weird"}


def test_a_value_with_invisible_characters_is_kept_and_shown_escaped(owner_client, draft):
    item = draft.inputs.get(name="throttlingConfig.numLoaders")
    owner_client.post(reverse("input-update", args=[draft.pk, item.pk]), {"value": "1\u202e0"}, **hx())
    assert DraftInput.objects.get(pk=item.pk).value == "1\u202e0"  # kept as typed
    page = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    assert "Holds invisible characters (U+202E)" in page and "1\\u202e0" in page
    preview = owner_client.get(reverse("preview", args=[draft.pk]), **hx()).content.decode()
    assert "1\\u202e0" in preview and "1\u202e0" not in preview
    export = owner_client.get(reverse("export", args=[draft.pk])).content.decode()
    assert "1\u202e0" in export  # the download is exactly what is sent
    renamed = owner_client.post(
        reverse("header-update", args=[draft.pk]),
        {
            **{f: getattr(draft, f) for f in ("name", "job_type", "from_connector", "to_connector")},
            "from_link": "mysql\u202elink",
            "to_link": draft.to_link,
        },
        **hx(),
    ).content.decode()
    assert "invisible or direction-changing" in renamed
    assert JobDraft.objects.get(pk=draft.pk).from_link == draft.from_link


def test_every_form_that_changes_the_draft_carries_the_version_the_page_shows(owner_client, draft):
    """Without JavaScript a change says its version through the form's hidden field: every form
    posting to a change of the draft (designer and history page) must carry the one it drew."""
    import re

    from ..conftest import DRAFT_CHANGE

    draft.snapshot(draft.owner, "to restore")
    version = str(JobDraft.objects.get(pk=draft.pk).version)
    pages = [reverse("designer", args=[draft.pk]) + "?all=1", reverse("history", args=[draft.pk])]
    checked = 0
    for url in pages:
        html = owner_client.get(url).content.decode()
        for action, body in re.findall(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', html, flags=re.S):
            if DRAFT_CHANGE.match(action.split("?")[0]):
                assert f'name="version" value="{version}"' in body, action
                checked += 1
    assert checked >= 10


def test_a_new_entire_database_draft_asks_for_no_single_table(make_draft):
    batch = make_draft(job_type="BATCH_JOB")
    names = set(batch.inputs.values_list("name", flat=True))
    assert "fromJobConfig.tableName" not in names and "toJobConfig.table" not in names
    from cdmweb.jobspec.validation import validate_job

    flagged = {f["input"] for f in validate_job(batch.build())}
    assert not flagged & {"fromJobConfig.tableName", "toJobConfig.table"}
    normal = make_draft(name="orders_normal")
    assert "fromJobConfig.tableName" in set(normal.inputs.values_list("name", flat=True))


def test_the_designer_offers_the_inputs_of_the_job_type(owner_client, make_draft):
    """An entire-database migration takes no single table and no custom SQL: its picker leaves them
    out and says why; a table/file migration offers them. A row the type does not take is greyed."""
    batch = make_draft(job_type="BATCH_JOB")
    page = owner_client.get(reverse("designer", args=[batch.pk])).content.decode()
    picker = page[page.index('name="catalog_name"') :]
    picker = picker[: picker.index("</select>")]
    assert 'value="fromJobConfig.sql"' not in picker and 'value="fromJobConfig.whereClause"' in picker
    assert "A BATCH_JOB job does not take sql, tableName, useSql" in page
    normal = make_draft(name="orders_normal")
    page = owner_client.get(reverse("designer", args=[normal.pk])).content.decode()
    picker = page[page.index('name="catalog_name"') :]
    assert 'value="fromJobConfig.sql"' in picker[: picker.index("</select>")]
    assert "does not take" not in page
    normal.job_type = "BATCH_JOB"
    normal.save()
    page = owner_client.get(reverse("designer", args=[normal.pk])).content.decode()
    table = normal.inputs.get(name="fromJobConfig.tableName")
    row = page[page.index(f'id="input-{table.pk}"') :]
    assert 'class="input-row not-applicable' in row[: row.index(">")]
