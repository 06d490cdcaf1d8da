"""Commands speak English unless the terminal asks for Chinese (LANG=zh_CN.UTF-8...); what machines
read (job bodies, ids) never changes."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command, load_command_class
from django.core.management.base import CommandError
from django.utils import translation

from cdmweb.jobs.management.commands._io import command_language

pytestmark = pytest.mark.django_db


@pytest.fixture
def terminal(monkeypatch):
    """Set the terminal's language: LANG only (the other variables cleared)."""

    def set_lang(value: str) -> None:
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LANG", value)

    return set_lang


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_language_comes_from_the_environment(monkeypatch, terminal):
    terminal("zh_CN.UTF-8")
    assert command_language() == "zh-hans"
    terminal("C.UTF-8")
    assert command_language() == "en"
    monkeypatch.setenv("LANGUAGE", "zh_TW:en")  # gettext's own list comes first
    assert command_language() == "zh-hans"


def test_a_command_in_chinese_and_in_english(terminal, owner):
    terminal("zh_CN.UTF-8")
    assert run("create_team", "data-team", "--member", "owner:editor") == "已创建团队 data-team：owner:editor\n"
    with pytest.raises(CommandError, match="没有名为 'nobody' 的用户"):
        call_command("create_team", "data-team", "--member", "nobody:editor")
    terminal("C.UTF-8")
    assert run("create_team", "data-team", "--name", "Data") == "team data-team updated: owner:editor\n"


def test_the_help_in_chinese(terminal):
    terminal("zh_CN.UTF-8")
    help_text = (
        load_command_class("cdmweb.jobs", "validate_job").create_parser("manage.py", "validate_job").format_help()
    )
    assert "校验 CDM 作业请求体" in help_text and "JSON 文件，或 - 表示读取标准输入" in help_text
    terminal("en_US.UTF-8")
    help_text = (
        load_command_class("cdmweb.jobs", "validate_job").create_parser("manage.py", "validate_job").format_help()
    )
    assert "Validate a CDM job body" in help_text


def test_machine_output_never_changes_and_the_language_is_given_back(terminal, draft):
    terminal("zh_CN.UTF-8")
    with translation.override("en"):
        chinese = run("export_job", str(draft.pk))
        assert translation.get_language() == "en"
    terminal("C.UTF-8")
    assert chinese == run("export_job", str(draft.pk)) and json.loads(chinese)["jobs"][0]["name"] == draft.name


def test_validation_lines_in_chinese(terminal, tmp_path):
    terminal("zh_CN.UTF-8")
    path = tmp_path / "bad.json"
    path.write_text("not json", encoding="utf-8")
    with pytest.raises(CommandError, match="^格式有误："):
        call_command("validate_job", str(path))
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("validate_job", str(tmp_path / "missing.json"))


def test_a_refused_command_names_what_was_tried_in_chinese_too(terminal, sandbox, crew, crew_draft):
    args = ["submit_job", str(crew_draft.pk), "--target", "sandbox", "--pool", "all", "--user", "crew-viewer"]
    terminal("zh_CN.UTF-8")
    with pytest.raises(CommandError) as chinese:
        call_command(*args)
    assert "提交" in str(chinese.value) and "查看者" in str(chinese.value) and "修改" not in str(chinese.value)
    terminal("C.UTF-8")
    with pytest.raises(CommandError) as english:
        call_command(*args)
    assert "you cannot submit this draft" in str(english.value) and english.value.returncode == 1
