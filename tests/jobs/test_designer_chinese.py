"""The designer, the new-draft and import screens in Simplified Chinese (Accept-Language), and
English unchanged without it. Job JSON, input names, connectors and job types stay as they are."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cdmweb.jobs.designer import _when
from cdmweb.jobs.models import DraftInput, JobDraft

from ..conftest import hx

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
DEMO = Path(__file__).resolve().parents[2] / "cdmweb" / "jobs" / "demo" / "orders_mysql_to_hive.json"


@pytest.fixture(autouse=True)
def back_to_english() -> Iterator[None]:
    """A request in Chinese leaves Chinese active in this thread (LocaleMiddleware activates, and
    nothing deactivates): tests after these ones must not run in it."""
    yield
    translation.deactivate()


def page(client, draft: JobDraft, **headers: str) -> str:
    response = client.get(reverse("designer", args=[draft.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_designer_in_chinese(owner_client, draft):
    html = page(owner_client, draft, **ZH)
    assert '<html lang="zh-hans">' in html
    for chinese in (
        ">源端</button>",
        ">目的端</button>",
        ">作业任务参数</button>",  # the driver's tab
        'placeholder="按名称或说明查找参数，以添加或转到它  ( / )"',
        ">保存基本信息</button>",
        ">导出 JSON</a>",
        ">删除参数组</button>",
        ">共享与审核</h2>",
        "还没有评论。",
        "个错误</strong>，CDM 会拒绝。",  # the new draft's required values are still empty
        '作业类型<span class="asteriskField">*</span>',  # the header form's labels
        'data-count="第 {current} 个，共 {total} 个"',
    ):
        assert chinese in html, chinese
    # Names, connectors, job types and the JSON are never translated.
    for kept in ("generic-jdbc-connector", "fromJobConfig", "throttlingConfig.numExtractors", "NORMAL_JOB"):
        assert kept in html
    assert "&quot;from-connector-name&quot;: &quot;generic-jdbc-connector&quot;" in html
    # The schedule editor's units read in Chinese; the value sent stays CDM's own word.
    assert '<option value="minute">分钟</option>' in html and ">定时运行</label>" in html


def test_the_designer_in_english_is_unchanged(owner_client, draft):
    html = page(owner_client, draft)
    assert '<html lang="en">' in html
    for english in (
        ">Source</button>",
        ">Driver</button>",
        'placeholder="Find an input by name or help, to add it or go to it  ( / )"',
        ">Export JSON</a>",
        'data-count="{current} of {total}"',
        '<option value="minute">minute</option>',
    ):
        assert english in html, english
    assert "查找参数" not in html and "源端" not in html and "作业任务参数" not in html


def test_the_scripts_texts_come_translated_from_the_page(owner_client, draft):
    """designer.js and app.js read what they say from data-* attributes (the CSP allows no inline
    script); without them they speak English."""
    html = page(owner_client, draft, **ZH)
    assert 'data-text-no-match="此作业没有与“{query}”匹配的参数。"' in html
    assert 'data-text-set="已设置 {name}。"' in html and 'data-copied="已复制"' in html
    english = page(owner_client, draft)
    assert 'data-text-no-match="No input of this job matches “{query}”."' in english
    script = (Path(__file__).resolve().parents[2] / "static" / "cdmweb" / "designer.js").read_text()
    assert 'noMatch: "No input of this job matches “{query}”."' in script


def test_adding_an_input_answers_with_a_chinese_row(owner_client, draft):
    g = draft.groups.get(name="fromJobConfig")
    url = reverse("input-add", args=[draft.pk, g.pk])
    response = owner_client.post(url, {"custom_name": "fetchHint", "value": "7"}, **hx(), **ZH)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="input-' in html
    assert ">自定义</span>" in html and 'aria-label="删除 fromJobConfig.fetchHint"' in html
    assert DraftInput.objects.get(draft=draft, name="fromJobConfig.fetchHint").value == "7"


def test_refusals_are_said_in_chinese(owner_client, draft):
    g = draft.groups.get(name="fromJobConfig")
    url = reverse("input-add", args=[draft.pk, g.pk])
    before = draft.inputs.count()
    refused = owner_client.post(url, {"custom_name": "has space"}, **hx(), **ZH).content.decode()
    assert "&#x27;fromJobConfig.has space&#x27; 不是可用的参数名" in refused
    assert "请从列表中选择参数，或输入自定义参数。" in owner_client.post(url, {}, **hx(), **ZH).content.decode()
    assert "not a usable key" in owner_client.post(url, {"custom_name": "has space"}, **hx()).content.decode()
    assert draft.inputs.count() == before
    # The find box's refusal, under the box.
    find = reverse("find-add", args=[draft.pk])
    answer = owner_client.post(find, {"side": "from", "name": "fromJobConfig.noSuchThing"}, **hx(), **ZH)
    assert answer["HX-Retarget"] == "#find-status"
    assert "fromJobConfig.noSuchThing 不是此草稿源端的文档参数。" in answer.content.decode()
    english = owner_client.post(find, {"side": "from", "name": "fromJobConfig.noSuchThing"}, **hx()).content.decode()
    assert "fromJobConfig.noSuchThing is not a documented input of this draft&#x27;s source." in english
    # Undo too late.
    late = owner_client.post(reverse("input-restore", args=[draft.pk]), {"token": "gone"}, **hx(), **ZH)
    assert "来不及撤销了" in late.content.decode()


def test_removing_and_the_conflict_banner_in_chinese(owner_client, draft):
    item = draft.inputs.get(name="throttlingConfig.numLoaders")
    removed = owner_client.post(reverse("input-delete", args=[draft.pk, item.pk]), **hx(), **ZH).content.decode()
    assert "已删除 <code>throttlingConfig.numLoaders</code>。" in removed and ">撤销</button>" in removed
    other = draft.inputs.get(name="throttlingConfig.numExtractors")
    stale = JobDraft.objects.get(pk=draft.pk).version + 5
    response = owner_client.post(
        reverse("input-update", args=[draft.pk, other.pk]),
        {"value": "3"},
        **hx(),
        **ZH,
        HTTP_X_DRAFT_VERSION=str(stale),
    )
    html = response.content.decode()
    assert response.status_code == 409 and "在你编辑期间，此草稿已被修改。" in html
    assert "本页加载后，其他人 保存了修改" in html  # nobody else changed it: "someone else", in Chinese
    assert ">重新加载草稿</a>" in html
    assert draft.inputs.get(pk=other.pk).value != "3"


def test_the_new_draft_page_and_its_message_in_chinese(owner_client, owner):
    html = owner_client.get(reverse("draft-create"), **ZH).content.decode()
    assert "新建作业草稿" in html and "作业类型" in html and "源端连接器" in html and 'value="创建草稿"' in html
    assert "generic-jdbc-connector" in html and "私有（仅自己）" in html
    english = owner_client.get(reverse("draft-create")).content.decode()
    assert "New job draft" in english and 'value="Create draft"' in english and "作业" not in english
    data = {
        "name": "orders",
        "job_type": "NORMAL_JOB",
        "from_connector": "generic-jdbc-connector",
        "from_link": "mysql",
        "to_connector": "dli-connector",
        "to_link": "dli",
    }
    bad = owner_client.post(reverse("draft-create"), {**data, "from_link": "my\u200blink"}, **ZH).content.decode()
    assert "连接名称：" in bad and not JobDraft.objects.filter(owner=owner).exists()
    done = owner_client.post(reverse("draft-create"), data, follow=True, **ZH).content.decode()
    assert "草稿“orders”已创建。" in done
    assert JobDraft.objects.get(owner=owner).build()["name"] == "orders"


def test_the_import_page_and_its_messages_in_chinese(owner_client, owner):
    html = owner_client.get(reverse("draft-import"), **ZH).content.decode()
    assert "导入 CDM 作业 JSON" in html and "粘贴 JSON" in html and ">导入</button>" in html
    assert "<code>show_jobs</code> 响应" in html
    empty = owner_client.post(reverse("draft-import"), {"text": ""}, **ZH).content.decode()
    assert "请粘贴 CDM 作业 JSON 或选择文件。" in empty
    broken = owner_client.post(reverse("draft-import"), {"text": "{not json"}, **ZH).content.decode()
    assert "未导入任何内容：" in broken and not JobDraft.objects.filter(owner=owner).exists()
    done = owner_client.post(reverse("draft-import"), {"text": DEMO.read_text()}, follow=True, **ZH).content.decode()
    draft = JobDraft.objects.get(owner=owner)
    assert f"已导入“{draft.display_name}”（校验通过）。" in done
    english = owner_client.get(reverse("draft-import")).content.decode()
    assert "Import CDM job JSON" in english and "导入" not in english


def test_the_changes_list_in_chinese():
    changes = [
        {"kind": "input-moved", "group": "fromJobConfig", "name": "fromJobConfig.useSql", "old": 1, "new": 2},
        {"kind": "group-removed", "side": "driver", "group": "jarConfig", "old": 3},
        {"kind": "input-removed", "group": "fromJobConfig", "name": "fromJobConfig.where", "old_text": "a=1"},
    ]
    with translation.override("zh-hans"):
        html = render_to_string("jobs/diff.html", {"changes": changes})
    assert "从 1 移到 2" in html and "− 参数组" in html and "3 个参数" in html and "（原为 <del>a=1</del>）" in html
    with translation.override("en"):
        html = render_to_string("jobs/diff.html", {"changes": changes})
    assert "moved from 1 to 2" in html and "(3 inputs)" in html and "(was <del>a=1</del>)" in html


def test_macro_run_times_read_in_the_language():
    moment = datetime(2026, 3, 5, 8, 0, 9)
    with translation.override("en"):
        assert _when(moment) == "5 Mar 2026 08:00:09"
    with translation.override("zh-hans"):
        assert _when(moment) == "2026年3月5日 08:00:09"


def test_a_macro_preview_in_chinese(owner_client, draft):
    g = draft.groups.get(name="fromJobConfig")
    item = DraftInput.objects.create(
        draft=draft,
        group=g,
        name="fromJobConfig.whereClause",
        value="DS='${dateformat(yyyy-MM-dd,-1,DAY)}'",
        position=0,
    )
    html = page(owner_client, draft, **ZH)
    assert "现在（" in html and "此参数支持的日期宏" in html and "时间按 UTC+08:00 显示" in html
    assert "<code>${dateformat(yyyy-MM-dd, -1, DAY)}</code>" in html  # the macros themselves stay as written
    picked = owner_client.get(
        reverse("macro-preview", args=[draft.pk, item.pk]), {"at": "2026-03-05T08:00"}, **hx(), **ZH
    )
    assert "在 2026年3月5日 08:00 运行时：" in picked.content.decode()
    wrong = owner_client.get(reverse("macro-preview", args=[draft.pk, item.pk]), {"at": "soon"}, **hx(), **ZH)
    assert "这不是有效的日期和时间" in wrong.content.decode()
