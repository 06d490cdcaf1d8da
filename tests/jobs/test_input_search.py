"""The designer's find box: what it finds, what Enter does, and the same without JavaScript."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cdmweb.jobs.designer import ROW_WINDOW
from cdmweb.jobs.input_search import MAX_MATCHES, search_inputs
from cdmweb.jobs.models import AuditEvent, ConfigGroup, DraftInput

from ..conftest import hx


def names(matches) -> list[str]:
    return [m.name for m in matches]


# --- what it finds --------------------------------------------------------------------------


def test_finds_catalogue_inputs_of_both_connectors_and_the_driver_by_any_part_of_the_name(draft):
    assert names(search_inputs(draft, "whereclause"))[0] == "fromJobConfig.whereClause"
    assert "toJobConfig.tablePreparation" in names(search_inputs(draft, "PREPARATION"))  # hive, the destination
    cycle = search_inputs(draft, "cycletype")[0]
    assert cycle.name == "schedulerConfig.cycleType" and cycle.side == "driver" and cycle.input_id is None
    assert "Schedule period unit" in cycle.help


def test_finds_by_help_text_and_ranks_name_matches_first(draft):
    # "dirty" is in the help of several inputs; the ones named so come first.
    found = names(search_inputs(draft, "dirty"))
    assert found and all("irty" in name for name in found[:2])
    assert any("Data" in name for name in found)
    # Every word must match somewhere.
    assert search_inputs(draft, "schedule nonsenseword") == []


def test_inputs_on_the_draft_come_with_their_row_custom_keys_included(draft):
    present = draft.inputs.get(name="throttlingConfig.numExtractors")
    g = ConfigGroup.objects.get(draft=draft, name="toJobConfig")
    custom = DraftInput.objects.create(draft=draft, group=g, name="toJobConfig.myOwnKey", value="1", position=500)
    match = search_inputs(draft, "numextractors")[0]
    assert match.input_id == present.pk and match.drawn_up_front
    found = search_inputs(draft, "myownkey")
    assert found[0].input_id == custom.pk and found[0].custom


def test_a_row_past_the_window_is_reached_through_all(draft):
    g = ConfigGroup.objects.get(draft=draft, name="toJobConfig")
    DraftInput.objects.bulk_create(
        DraftInput(draft=draft, group=g, name=f"toJobConfig.extra{i}", value="", position=1000 + i)
        for i in range(ROW_WINDOW + 1)
    )
    last = search_inputs(draft, f"extra{ROW_WINDOW}")[0]
    assert not last.drawn_up_front


def test_says_what_the_job_type_does_not_take_and_when_an_input_applies(make_draft):
    batch = make_draft(job_type="BATCH_JOB")
    table = next(m for m in search_inputs(batch, "tablename") if m.name == "fromJobConfig.tableName")
    assert table.refused == "A BATCH_JOB job does not take it."
    sql = next(m for m in search_inputs(make_draft(), "sql") if m.name == "fromJobConfig.sql")
    assert "useSql" in sql.when


def test_at_most_a_dozen_matches_and_an_empty_query_finds_nothing(draft):
    assert len(search_inputs(draft, "e")) == MAX_MATCHES
    assert search_inputs(draft, "   ") == []


# --- the views ------------------------------------------------------------------------------


def test_find_partial_lists_matches_with_their_help(owner_client, draft):
    response = owner_client.get(reverse("designer", args=[draft.pk]), {"partial": "find", "find": "cycle"}, **hx())
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div id="find-results"')
    assert "schedulerConfig.cycleType" in html and "Schedule period unit." in html
    assert reverse("find-add", args=[draft.pk]) in html


def test_find_add_puts_the_input_in_its_group_and_focuses_it(owner_client, draft):
    g = ConfigGroup.objects.get(draft=draft, name="fromJobConfig")
    response = owner_client.post(
        reverse("find-add", args=[draft.pk]), {"side": "from", "name": "fromJobConfig.whereClause"}, **hx()
    )
    item = draft.inputs.get(name="fromJobConfig.whereClause")
    assert item.group_id == g.pk
    assert response["HX-Retarget"] == f"#rows-{g.pk}" and response["HX-Reswap"] == "beforeend"
    assert json.loads(response["HX-Trigger-After-Settle"]) == {"input-added": {"row": item.pk}}
    assert AuditEvent.objects.filter(draft=draft, detail=f"added {item.name} to fromJobConfig").exists()


def test_find_add_creates_a_missing_group(owner_client, draft):
    draft.groups.filter(name="schedulerConfig").delete()
    response = owner_client.post(
        reverse("find-add", args=[draft.pk]), {"side": "driver", "name": "schedulerConfig.cycleType"}, **hx()
    )
    item = draft.inputs.get(name="schedulerConfig.cycleType")
    assert item.group.name == "schedulerConfig" and item.group.side == "driver"
    assert response["HX-Retarget"] == "#side-driver"
    assert f'id="value-{item.pk}"' in response.content.decode()


@pytest.mark.parametrize(
    "side, name, message",
    [
        ("from", "fromJobConfig.noSuchInput", "is not a documented input"),
        ("to", "fromJobConfig.whereClause", "is not a documented input"),
        ("sideways", "fromJobConfig.whereClause", "is not a documented input"),
        ("driver", "throttlingConfig.numExtractors", "is already in throttlingConfig"),
    ],
)
def test_find_add_refusals_show_under_the_box(owner_client, draft, side, name, message):
    before = draft.inputs.count()
    response = owner_client.post(reverse("find-add", args=[draft.pk]), {"side": side, "name": name}, **hx())
    assert response.status_code == 200 and response["HX-Retarget"] == "#find-status"
    assert message in response.content.decode()
    assert draft.inputs.count() == before


def test_find_add_of_what_the_job_type_does_not_take_is_refused(owner_client, make_draft):
    batch = make_draft(job_type="BATCH_JOB")
    response = owner_client.post(
        reverse("find-add", args=[batch.pk]), {"side": "from", "name": "fromJobConfig.tableName"}, **hx()
    )
    assert "A BATCH_JOB job does not take fromJobConfig.tableName" in response.content.decode()


def test_find_and_add_without_javascript(owner_client, draft):
    page = owner_client.get(reverse("designer", args=[draft.pk]), {"find": "whereclause"}).content.decode()
    assert 'value="whereclause"' in page and "fromJobConfig.whereClause" in page
    response = owner_client.post(
        reverse("find-add", args=[draft.pk]),
        {"side": "from", "name": "fromJobConfig.whereClause", "version": draft.version},
    )
    item = draft.inputs.get(name="fromJobConfig.whereClause")
    assert response.status_code == 302 and response["Location"].endswith(f"#input-{item.pk}")
    refused = owner_client.post(
        reverse("find-add", args=[draft.pk]),
        {"side": "from", "name": "fromJobConfig.whereClause", "version": draft.version + 1},
    )
    assert refused.status_code == 400 and "is already in fromJobConfig" in refused.content.decode()


def test_viewers_find_but_cannot_add(client, crew, crew_draft):
    client.force_login(crew["viewer"])
    html = client.get(reverse("designer", args=[crew_draft.pk]), {"partial": "find", "find": "cycle"}, **hx())
    assert "schedulerConfig.cycleType" in html.content.decode()
    assert reverse("find-add", args=[crew_draft.pk]) not in html.content.decode()
    response = client.post(
        reverse("find-add", args=[crew_draft.pk]), {"side": "driver", "name": "schedulerConfig.cycleType"}, **hx()
    )
    assert response.status_code == 403


def test_outsiders_get_404(outsider_client, draft):
    assert (
        outsider_client.get(reverse("designer", args=[draft.pk]), {"partial": "find", "find": "x"}).status_code == 404
    )
    response = outsider_client.post(reverse("find-add", args=[draft.pk]), {"side": "from", "name": "x"}, **hx())
    assert response.status_code == 404


def test_name_equals_value_sets_an_input_already_there_and_refuses_secrets(owner_client, make_draft):
    draft = make_draft()
    item = draft.inputs.get(name="fromJobConfig.schemaName")
    response = owner_client.post(
        reverse("find-add", args=[draft.pk]), {"side": "from", "name": item.name, "value": "sales"}, **hx()
    )
    item.refresh_from_db()
    assert item.value == "sales" and response["HX-Retarget"] == f"#input-{item.pk}"
    assert json.loads(response["HX-Trigger-After-Settle"]) == {"input-set": {"row": item.pk, "name": item.name}}
    assert AuditEvent.objects.filter(draft=draft, detail=f"set {item.name}").exists()
    # A new catalogue input with its value, and a custom key of a group the draft has.
    owner_client.post(
        reverse("find-add", args=[draft.pk]),
        {"side": "from", "name": "fromJobConfig.whereClause", "value": "a=1"},
        **hx(),
    )
    owner_client.post(
        reverse("find-add", args=[draft.pk]),
        {"side": "to", "name": "toJobConfig.myOwnKey", "value": "42", "custom": "1"},
        **hx(),
    )
    assert draft.inputs.get(name="fromJobConfig.whereClause").value == "a=1"
    assert draft.inputs.get(name="toJobConfig.myOwnKey").value == "42"
    # A secret is typed in its own (masked) box, never in the find box.
    refused = owner_client.post(
        reverse("find-add", args=[draft.pk]),
        {"side": "to", "name": "toJobConfig.dbPassword", "value": "hunter2", "custom": "1"},
        **hx(),
    )
    assert "Type toJobConfig.dbPassword in its own box" in refused.content.decode()
    assert not draft.inputs.filter(name="toJobConfig.dbPassword").exists()


def test_a_custom_key_is_offered_only_in_full_and_in_a_group_the_draft_has(draft):
    assert search_inputs(draft, "toJobConfig.myOwnKey=1")[0].custom
    assert not any(m.custom for m in search_inputs(draft, "myOwnKey"))
    assert not any(m.custom for m in search_inputs(draft, "noSuchGroup.key"))


def test_the_find_request_never_carries_the_value(owner_client, draft):
    # The page sends only the name part while searching; a value typed on a plain page lands in a
    # hidden field of each pick, never in a link.
    html = owner_client.get(reverse("designer", args=[draft.pk]), {"find": "whereclause=secret-ish"}).content.decode()
    assert 'name="value" value="secret-ish"' in html
    assert "?find=" not in html
