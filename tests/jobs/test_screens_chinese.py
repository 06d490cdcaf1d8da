"""The screens other than the designer in Simplified Chinese (Accept-Language: zh-CN), and unchanged
in English by default: headings and labels, flash messages, refusals, dates (2026年3月15日 12:00),
counts and durations in the language's words. CDM's own words (SUCCEEDED, NORMAL_JOB, Cdm.0104)
stay as they are in both."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cdmweb.jobs import reviewing
from cdmweb.jobs.models import Submission
from cdmweb.jobs.submissions import targets

from .clusters_support import cluster_id, demo_job, put_jobs

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
AT = datetime.datetime(2026, 3, 15, 12, 0, 5, tzinfo=datetime.UTC)


def page(client, url: str, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def finished_submission(draft, user, **fields) -> Submission:
    """A run that CDM finished: 12,345 rows, 1.5 KB read, 75 seconds."""
    values = {
        "target": targets.sandbox_target(),
        "body": {},
        "job_name": draft.name,
        "cluster_id": "c1",
        "state": Submission.State.ACCEPTED,
        "cdm_status": "SUCCEEDED",
        "submission_id": "cdm-1",
        "progress": 100,
        "rows_read": 12345,
        "rows_written": 12345,
        "bytes_read": 1536,
        "created_at": AT,
        "finished_at": AT + datetime.timedelta(seconds=75),
        **fields,
    }
    return Submission.objects.create(
        draft=draft, user=user, idempotency_key=f"k-{Submission.objects.count()}", **values
    )


def test_the_dashboard_in_chinese_and_in_english_by_default(owner_client, make_draft, owner):
    draft = make_draft()
    finished_submission(draft, owner)
    html = page(owner_client, reverse("dashboard"), **ZH)
    assert '<html lang="zh-hans"' in html
    for text in ("我的草稿", "作业类型", "最近修改", "最近的提交记录", "搜索名称、连接器、连接", "刚刚</td>"):
        assert text in html, text
    # The job type and CDM's status are CDM's words in both languages.
    assert "NORMAL_JOB" in html and "SUCCEEDED" in html
    assert "My drafts" not in html and " ago" not in html
    english = page(owner_client, reverse("dashboard"))
    assert "My drafts" in english and "Recent submissions" in english and "just now</td>" in english
    assert "我的草稿" not in english


def test_a_draft_count_is_said_in_chinese(owner_client, make_draft):
    make_draft()
    make_draft(name="second")
    assert "2 个草稿 · 第 1 / 1 页" in page(owner_client, reverse("dashboard"), **ZH)
    assert "2 drafts · page 1 of 1" in page(owner_client, reverse("dashboard"))


def test_the_submission_page_in_chinese_with_chinese_dates_counts_and_duration(owner_client, draft, owner):
    submission = finished_submission(draft, owner)
    html = page(owner_client, reverse("submission", args=[submission.pk]), **ZH)
    assert f"提交记录 #{submission.pk}：orders_sync" in html
    assert "2026年3月15日 12:00:05" in html  # |when:"seconds", as the Chinese console writes it
    assert "读取 / 写入行数" in html and "12,345 / 12,345" in html
    assert "1.5 KB" in html and "1 分 15 秒" in html and "耗时" in html
    assert "SUCCEEDED" in html  # CDM's status is never translated
    english = page(owner_client, reverse("submission", args=[submission.pk]))
    assert f"Submission #{submission.pk}: orders_sync" in english
    assert "2026-03-15 12:00:05" in english and "1 min 15 s" in english and "Rows read / written" in english
    assert "2026年" not in english


def test_a_submission_refused_before_cdm_shows_its_state_in_the_language(owner_client, draft, owner):
    refused = finished_submission(
        draft, owner, state=Submission.State.REFUSED, cdm_status="", submission_id="", error_message="no"
    )
    html = page(owner_client, reverse("submission", args=[refused.pk]), **ZH)
    assert "返回设计器" in html and "重新提交" in html
    english = page(owner_client, reverse("submission", args=[refused.pk]))
    assert 'id="cdm-status">REFUSED<' in english and "Submit again" in english


def test_the_submissions_list_in_chinese(owner_client, draft, owner):
    finished_submission(draft, owner, error_code="Cdm.0104")
    html = page(owner_client, reverse("submission-list"), **ZH)
    for text in ("提交记录", "草稿 ID", "筛选", "运行中", "成功", "失败", "2026年3月15日 12:00", "Cdm.0104"):
        assert text in html, text
    assert "1 条提交记录 · 第 1 / 1 页" in html
    english = page(owner_client, reverse("submission-list"))
    assert "2026-03-15 12:00" in english and "1 submission · page 1 of 1" in english and "Draft id" in english


def test_the_submit_page_and_its_form_in_chinese(owner_client, draft, settings):
    settings.CDM_SANDBOX_URL = "https://cdm.invalid"  # never asked: the page only shows what is known
    html = owner_client.get(reverse("submit", args=[draft.pk]), **ZH).content.decode()
    assert "提交“orders_sync”" in html and "返回设计器" in html
    assert "提交到 CDM" in html and "目标环境" in html and "从集群池中随机选择一个运行中的集群" in html
    english = owner_client.get(reverse("submit", args=[draft.pk])).content.decode()
    assert "Submit “orders_sync”" in english and "A random running cluster from a pool" in english


def test_review_request_flash_queue_and_review_page_in_chinese(client, crew, crew_draft, owner):
    client.force_login(owner)
    response = client.post(reverse("review-request", args=[crew_draft.pk]), {"message": "请看"}, follow=True, **ZH)
    assert "已申请审核：团队的审核人会在待审列表中看到。" in messages_of(response)
    review = crew_draft.reviews.get()
    client.force_login(crew["reviewer"])
    queue = page(client, reverse("review-queue"), **ZH)
    assert "等待你审核" in queue and "申请人" in queue and f'href="/reviews/{review.pk}/"' in queue
    html = page(client, reverse("review", args=[review.pk]), **ZH)
    assert f"批准 r{review.revision.number}" in html and "要求修改" in html and "首次审核" in html
    # The decision form's error, and the refusal of an empty "request changes", in Chinese.
    refused = client.post(reverse("review", args=[review.pk]), {"decision": "changes", "comment": ""}, **ZH)
    assert "请说明需要修改什么。" in refused.content.decode()
    english = page(client, reverse("review", args=[review.pk]))
    assert "Request changes" in english and "First review: everything in r" in english


def test_a_reviewers_refusal_is_in_chinese(client, crew, crew_draft, owner):
    client.force_login(owner)
    review = reviewing.request_review(crew_draft, owner)
    html = page(client, reverse("review", args=[review.pk]), **ZH)
    # The owner may not decide their own draft's review: the page says why, in Chinese.
    assert "不能批准自己的草稿：须由团队中的其他审核人决定。" in html


def test_the_history_page_in_chinese(owner_client, draft):
    html = page(owner_client, reverse("history", args=[draft.pk]), **ZH)
    assert "”的历史" in html and "动态" in html and "r1 → 当前草稿" in html and "没有差异。" in html
    assert "刚刚</td>" in html and "0 分钟" not in html  # under a minute: "just now", never "0 minutes ago"
    english = page(owner_client, reverse("history", args=[draft.pk]))
    assert "History of" in english and "r1 → current draft" in english and "just now</td>" in english


def test_the_team_page_and_its_messages_in_chinese(client, crew, django_user_model):
    admin = crew["admin"]
    newcomer = django_user_model.objects.create_user("newcomer", password="newcomer-pass-1234")
    client.force_login(admin)
    html = page(client, reverse("team", args=["crew"]), **ZH)
    assert "你的角色：管理员" in html and "成员" in html and "添加成员或修改角色" in html
    response = client.post(
        reverse("team", args=["crew"]), {"username": newcomer.username, "role": "reviewer"}, follow=True, **ZH
    )
    assert "newcomer 现在是 Crew 的审核人。" in messages_of(response)
    unknown = client.post(reverse("team", args=["crew"]), {"username": "nobody", "role": "viewer"}, **ZH)
    assert "没有名为“nobody”的有效用户。" in unknown.content.decode()
    english = client.post(
        reverse("team", args=["crew"]), {"username": newcomer.username, "role": "editor"}, follow=True
    )
    assert "newcomer is now editor of Crew." in messages_of(english)
    assert "you are admin" in english.content.decode()


def test_a_role_refusal_is_in_chinese(client, crew, crew_draft):
    client.force_login(crew["viewer"])
    response = client.get(reverse("submit", args=[crew_draft.pk]), **ZH)
    assert response.status_code == 403
    assert "你是该团队的查看者，不能修改此草稿；请联系团队管理员。" in response.content.decode()
    english = client.get(reverse("submit", args=[crew_draft.pk]))
    assert "As a viewer of this team you cannot change this draft; ask a team admin." in english.content.decode()


def test_the_drift_and_deployed_job_pages_of_an_untracked_draft_in_chinese(owner_client, draft):
    drift = page(owner_client, reverse("drift", args=[draft.pk]), **ZH)
    assert "此草稿未关联集群上的作业" in drift and "集群上的版本" in drift
    job = page(owner_client, reverse("deployed-job", args=[draft.pk]), **ZH)
    assert "集群上的作业：“orders_sync”" in job and "来自 cdmweb 的提交记录" in job
    response = owner_client.post(reverse("drift-check", args=[draft.pk]), follow=True, **ZH)
    assert "此草稿未关联集群上的作业：没有可比较的内容。" in messages_of(response)
    english = page(owner_client, reverse("deployed-job", args=[draft.pk]))
    assert "The job on the cluster: “orders_sync”" in english


def test_the_400_page_follows_the_language(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(reverse("login"), {"username": "a", "password": "x" * 2000}, **ZH)
    html = response.content.decode()
    assert response.status_code == 400 and '<html lang="zh-hans">' in html and "请求被拒绝" in html
    english = client.post(reverse("login"), {"username": "a", "password": "x" * 2000})
    assert '<html lang="en">' in english.content.decode() and "Request refused" in english.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_clusters_screen_and_a_pull_in_chinese(sandbox, owner_client):
    put_jobs(demo_job("orders"))
    url = f"{reverse('clusters')}?target={sandbox.name}&cluster={cluster_id()}"
    html = page(owner_client, url, **ZH)
    assert f"{sandbox.name} 的集群" in html and "此集群上的已知连接" in html and "所有作业类型" in html
    assert "未拉取" in html and "NORMAL_JOB" in html
    response = owner_client.post(
        reverse("clusters-pull"),
        {"target": sandbox.name, "cluster": cluster_id(), "scope": "ticked", "names": ["orders"]},
        follow=True,
        **ZH,
    )
    assert "已拉取：1 个新草稿。" in messages_of(response)
    again = owner_client.post(
        reverse("clusters-pull"), {"target": sandbox.name, "cluster": cluster_id(), "scope": "ticked"}, follow=True
    )
    assert "Tick the jobs to pull, or pull all that match the search." in messages_of(again)


@pytest.mark.django_db(transaction=True)
def test_the_create_link_page_in_chinese(sandbox, owner_client):
    html = page(owner_client, f"{reverse('link-create')}?target={sandbox.pk}&connector=generic-jdbc-connector", **ZH)
    assert f"在 {sandbox.name} 上创建连接" in html and "测试连接" in html and "generic-jdbc-connector 连接参数" in html
    refused = owner_client.post(
        reverse("link-create"),
        {"target": sandbox.pk, "connector": "generic-jdbc-connector", "name": "", "create": "1"},
        **ZH,
    )
    html = refused.content.decode()
    assert "请为连接命名。" in html and "linkConfig.databaseType 不能为空。" in html  # the input's name stays


def test_a_moment_reads_as_people_say_it_and_names_its_zone(owner_client, draft, settings):
    from datetime import timedelta

    from django.utils import timezone, translation

    from cdmweb.jobs.templatetags.display import ago, since, when

    moment = timezone.now() - timedelta(minutes=5, seconds=3)
    with translation.override("zh-hans"):
        assert ago(timezone.now()) == "刚刚" and since(timezone.now()) == "不到 1 分钟"
        assert ago(moment) == "5\xa0分钟前"
        assert when(moment).endswith(" UTC") and "年" in when(moment)
    with translation.override("en"):
        assert ago(timezone.now()) == "just now" and ago(moment) == "5\xa0minutes ago"
        assert when(moment).endswith(" UTC")
