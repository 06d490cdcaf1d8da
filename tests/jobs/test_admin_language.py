"""The admin in Chinese: the models' names, columns, choices, actions and the catalogue pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@example.com", "boss-pass-1234"))
    return client


def test_the_draft_changelist_in_chinese_and_english(boss_client, draft):
    url = reverse("admin:jobs_jobdraft_changelist")
    html = boss_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "作业草稿" in html and "审核状态" in html and "作业类型" in html and "源端连接器" in html
    assert "未审核" in html  # the review state's label
    assert "提交到沙箱（在运行中的集群里随机选一个）" in html  # the action
    assert "generic-jdbc-connector" in html and draft.name in html  # names and connectors stay as they are
    english = boss_client.get(url).content.decode()
    assert "Review state" in english and "Submit to the sandbox" in english and "审核状态" not in english


def test_the_admin_index_names_the_apps_in_chinese(boss_client):
    html = boss_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "作业草稿" in html and "连接器目录" in html and "CDM 沙箱" in html and "目标环境" in html


def test_the_target_admin_in_chinese(boss_client, sandbox_target):
    html = boss_client.get(reverse("admin:jobs_target_changelist"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "CDM 终端节点" in html and "需要审核" in html and "来自 CDM_SANDBOX_SK" in html
    form = boss_client.get(reverse("admin:jobs_target_change", args=[sandbox_target.pk]), HTTP_ACCEPT_LANGUAGE="zh-CN")
    text = form.content.decode()
    assert "CDM 语言（X-Language）" in text and "跟随用户的语言" in text and "清除已保存的密钥" in text


def test_the_catalogue_pages_in_chinese(boss_client):
    listing = boss_client.get(reverse("admin:catalog_connector_changelist"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    html = listing.content.decode()
    assert "连接器目录" in html and "源端参数" in html and "generic-jdbc-connector" in html
    detail = boss_client.get(
        reverse("admin:catalog_connector_detail", args=["generic-jdbc-connector"]), HTTP_ACCEPT_LANGUAGE="zh-CN"
    ).content.decode()
    assert "<h2>源端 (" in detail and "<th>参数</th>" in detail and "fromJobConfig.useSql" in detail
    english = boss_client.get(reverse("admin:catalog_connector_changelist")).content.decode()
    assert "Connector catalogue" in english and "Source inputs" in english


@pytest.fixture
def sandbox_target():
    from cdmweb.jobs.submissions import targets

    return targets.sandbox_target()
