"""What keeps a big draft's designer page cheap: a window of each group's rows drawn up front, the
rest in chunks as they scroll into view, and nothing lost or drawn twice on the way.

The page's time is measured by bench/designer_bench.py (500 inputs within twice a 10-input draft's
page); these tests hold the rules that make it so.
"""

from __future__ import annotations

import json
import re

from django.urls import reverse
from django.utils.html import escape

from cdmweb.catalog.registry import get_catalog
from cdmweb.jobs.designer import ROW_WINDOW
from cdmweb.jobs.importing import import_text
from cdmweb.jobs.models import JobDraft

from ..conftest import hx

ROW_ID = re.compile(r'<form id="input-(\d+)" class="input-row')
LOADER = re.compile(r"partial=rows&amp;group=(\d+)&amp;offset=(\d+)")


def custom_inputs(group: str, count: int) -> list[dict[str, str]]:
    return [{"name": f"{group}.custom{i:03d}", "value": f"v{i}"} for i in range(count)]


def five_group_draft(owner, source: int = 200, destination: int = 200, per_driver_group: int = 33) -> JobDraft:
    """The layout of the benchmark's 500-input draft: two side groups and three driver groups."""
    driver = [
        {"name": name, "inputs": custom_inputs(name, per_driver_group)}
        for name in ("throttlingConfig", "schedulerConfig", "retryJobConfig")
    ]
    body = {
        "jobs": [
            {
                "name": "big",
                "from-connector-name": "generic-jdbc-connector",
                "from-link-name": "a",
                "to-connector-name": "hive-connector",
                "to-link-name": "b",
                "from-config-values": {
                    "configs": [{"name": "fromJobConfig", "inputs": custom_inputs("fromJobConfig", source)}]
                },
                "to-config-values": {
                    "configs": [{"name": "toJobConfig", "inputs": custom_inputs("toJobConfig", destination)}]
                },
                "driver-config-values": {"configs": driver},
            }
        ]
    }
    (draft,), _ = import_text(json.dumps(body), owner)
    return draft


def group_ids(draft: JobDraft) -> dict[int, list[str]]:
    return {
        g.pk: [str(pk) for pk in g.inputs.order_by("position", "id").values_list("id", flat=True)]
        for g in draft.groups.all()
    }


def test_a_500_input_page_draws_about_a_screen_of_each_group(owner_client, owner):
    draft = five_group_draft(owner)
    assert draft.inputs.count() == 499
    page = owner_client.get(reverse("designer", args=[draft.pk])).content.decode()
    drawn = ROW_ID.findall(page)
    # At most 10 rows of each of the five groups: drawing 50 of each made the page cost three
    # times a small draft's. Raising the window breaks the benchmark's 2x goal; this says so first.
    assert len(drawn) <= 5 * 10
    for ids in group_ids(draft).values():
        shown = [pk for pk in ids if pk in drawn]
        assert shown == ids[: len(shown)] and 0 < len(shown) <= 10  # each group's first rows, in order
    assert len(LOADER.findall(page)) == 5  # and every group says where the rest comes from


def test_scrolling_through_the_chunks_draws_every_row_once_in_order(owner_client, owner):
    draft = five_group_draft(owner, source=150, destination=ROW_WINDOW + 1, per_driver_group=ROW_WINDOW)
    url = reverse("designer", args=[draft.pk])
    page = owner_client.get(url).content.decode()
    drawn = ROW_ID.findall(page)
    loaders = dict(LOADER.findall(page))
    requests = 0
    while loaders:
        group_id, offset = loaders.popitem()
        chunk = owner_client.get(url, {"partial": "rows", "group": group_id, "offset": offset}, **hx())
        requests += 1
        html = chunk.content.decode()
        drawn += ROW_ID.findall(html)
        loaders.update(LOADER.findall(html))
    expected = group_ids(draft)
    assert sorted(drawn, key=int) == sorted((pk for ids in expected.values() for pk in ids), key=int)
    assert len(drawn) == len(set(drawn))  # no row twice
    for ids in expected.values():
        assert [pk for pk in drawn if pk in ids] == ids  # each group's rows in their order
    # 150 rows: a window up front, then chunks of 50 (three requests), not a request per window;
    # a group that fits its window needs none, one a row longer needs one.
    assert requests == 3 + 1


def test_a_row_drawn_in_a_later_chunk_shows_its_help_and_choices(owner_client, owner):
    """Help texts and options are worked out only for the rows drawn: a row past the window gets
    them when its chunk is drawn."""
    draft = five_group_draft(owner, source=30, destination=1, per_driver_group=1)
    group = draft.groups.get(name="fromJobConfig")
    item = group.inputs.order_by("position").last()
    item.name, item.value = "fromJobConfig.useSql", "true"
    item.save()
    url = reverse("designer", args=[draft.pk])
    assert f'id="input-{item.pk}"' not in owner_client.get(url).content.decode()
    chunk = owner_client.get(url, {"partial": "rows", "group": group.pk, "offset": ROW_WINDOW}, **hx())
    chunk = chunk.content.decode()
    row = chunk[chunk.index(f'id="input-{item.pk}"') :]
    row = row[: row.index("</form>")]
    assert '<option value="true" selected>' in row and '<option value="false">' in row
    spec = get_catalog().spec("generic-jdbc-connector", "from", "fromJobConfig.useSql")
    assert spec.help and 'class="small text-body-secondary input-help"' in row
    assert escape(spec.help) in row and f'title="fromJobConfig.useSql — {escape(spec.help)}"' in row
