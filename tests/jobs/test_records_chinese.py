"""What the history keeps in words (revision reasons, audit details) is written once in English and
shown in the reader's language; a text of any other shape is shown as stored."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cdmweb.jobs.records import RECORD_SHAPES, shown_record

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN"}


@pytest.mark.parametrize(
    ("stored", "chinese"),
    [
        ("created", "已创建"),
        ("review requested", None),
        ("revision r3", "修订版本 r3"),
        ("restored revision 2", "恢复了修订版本 2"),
        ("added fromJobConfig.fetchSize to fromJobConfig", "将 fromJobConfig.fetchSize 添加到 fromJobConfig"),
        ("added group extraConfig (to)", "添加参数组 extraConfig（to）"),
        ("moved fromJobConfig.tableName up", "上移 fromJobConfig.tableName"),
        ("set fromJobConfig.tableName", "设置 fromJobConfig.tableName"),
        ("submitted to sandbox (submission 12)", "提交到 sandbox（提交记录 12）"),
        ("bob is reviewer", "bob 成为审核人"),
        ("with Crew", "共享给 Crew"),
    ],
)
def test_a_stored_record_reads_in_chinese_with_its_names_kept(stored, chinese):
    with translation.override("zh-hans"):
        shown = shown_record(stored)
    assert shown != stored and (chinese is None or shown == chinese)
    with translation.override("en"):
        assert shown_record(stored) == stored  # English is the stored form, byte for byte


def test_every_shape_has_its_chinese_and_other_text_stays_as_stored():
    with translation.override("zh-hans"):
        for _pattern, message in RECORD_SHAPES:
            assert translation.gettext(message) != message, message
        assert shown_record("someone's own words") == "someone's own words"
        assert shown_record("") == ""


def test_the_history_page_shows_its_records_in_chinese(owner_client, draft):
    html = owner_client.get(reverse("history", args=[draft.pk]), **ZH).content.decode()
    assert "已创建" in html and ">created<" not in html
    assert ">created<" in owner_client.get(reverse("history", args=[draft.pk])).content.decode()
