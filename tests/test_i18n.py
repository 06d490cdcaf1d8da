"""The interface's language: English by default, Simplified Chinese when the browser or the menu's
switch asks for it; and the Chinese catalogue complete."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_english_when_the_browser_asks_for_neither(owner_client):
    html = owner_client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="fr-FR,de;q=0.8").content.decode()
    assert '<html lang="en">' in html and ">Drafts</a>" in html and "草稿" not in html
    html = owner_client.get(reverse("dashboard")).content.decode()
    assert ">Drafts</a>" in html


def test_chinese_from_the_browser(owner_client):
    for asked in ("zh-CN,zh;q=0.9", "zh-Hans", "zh"):
        html = owner_client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE=asked).content.decode()
        assert '<html lang="zh-hans">' in html and ">草稿</a>" in html and ">退出登录</button>" in html, asked


def test_the_menu_switch_is_remembered_and_comes_back_to_the_page(owner_client, draft):
    page = reverse("designer", args=[draft.pk])
    html = owner_client.get(page).content.decode()
    assert 'name="language" value="zh-hans"' in html and f'name="next" value="{page}"' in html
    response = owner_client.post(reverse("set_language"), {"language": "zh-hans", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    html = owner_client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">草稿</a>" in html and 'name="language" value="en"' in html  # the switch beats the browser
    # Job JSON and names are never translated.
    assert draft.name in html and "generic-jdbc-connector" in html


def test_the_login_page_has_the_switch_too_and_is_translated(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert 'name="language" value="en"' in html and '<html lang="zh-hans">' in html
    assert "登录 cdmweb" in html and ">登录</button>" in html
    assert "用户名" in html  # the form's labels are Django's own, in Django's own catalogue
    english = client.get(reverse("login")).content.decode()
    assert "Log in to cdmweb" in english and "登录" not in english


def test_the_refusal_page_in_chinese(client, crew, crew_draft):
    client.force_login(crew["viewer"])
    response = client.post(reverse("draft-delete", args=[crew_draft.pk]), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 403 and "返回草稿列表" in response.content.decode()


def catalogue_entries(text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) of each entry, continuation lines joined (a long message spans several)."""
    entries = []
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            start = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if start:
                current = start[1]
                fields[current] = start[2]
            elif current and re.match(r'^"(.*)"$', line):
                fields[current] += line[1:-1]
        if "msgid" in fields:
            translated = [value for key, value in fields.items() if key.startswith("msgstr")]
            entries.append((fields["msgid"], "" if not all(translated) else translated[0]))
    return entries


def test_every_message_of_the_chinese_catalogue_is_translated():
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = [(msgid, msgstr) for msgid, msgstr in catalogue_entries(text) if msgid]  # "" is the header
    assert len(entries) >= 11
    assert [msgid for msgid, msgstr in entries if not msgstr] == []
    assert "#, fuzzy" not in text  # a fuzzy entry is left out when compiled: it would show in English


def test_the_catalogue_check_sees_a_message_over_several_lines():
    text = 'msgid ""\n"A long "\n"message"\nmsgstr ""\n\nmsgid "x"\nmsgstr "y"\n'
    assert catalogue_entries(text) == [("A long message", ""), ("x", "y")]


def test_the_catalogue_is_compiled_at_setup():
    compiled = CATALOGUE.with_suffix(".mo")
    assert compiled.exists() and compiled.stat().st_mtime >= CATALOGUE.stat().st_mtime


def test_the_catalogue_holds_every_message_the_code_marks(tmp_path, settings, monkeypatch):
    """makemessages run afresh on the code (in a scratch copy of the catalogue) finds nothing new
    to translate: a message marked in the code but never added to the .po would show in English."""
    from django.core.management import call_command

    base = Path(settings.BASE_DIR)
    for tree in ("cdmweb", "templates"):
        (tmp_path / tree).symlink_to(base / tree)
    scratch = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    scratch.mkdir(parents=True)
    (scratch / "django.po").write_text(CATALOGUE.read_text(encoding="utf-8"), encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["zh_Hans"], symlinks=True, no_obsolete=True, verbosity=0)
    fresh = catalogue_entries((scratch / "django.po").read_text(encoding="utf-8"))
    assert [msgid for msgid, msgstr in fresh if msgid and not msgstr] == []
    assert len(fresh) == len(catalogue_entries(CATALOGUE.read_text(encoding="utf-8")))


def test_a_constant_translate_tag_is_remembered_per_language_and_the_rest_is_djangos():
    from django.template import Context, Template
    from django.utils import translation

    template = Template(
        '{% load cdmweb_i18n %}{% translate "Drafts" %}|{% translate "Review" context "verb" %}|'
        '{% translate "Drafts" noop %}|{% translate "Drafts" as word %}{{ word }}|{% translate name %}'
    )
    for _round in range(2):  # the second round is served from memory
        with translation.override("zh-hans"):
            assert template.render(Context({"name": "Log out"})) == "草稿|审核|Drafts|草稿|退出登录"
        with translation.override("en"):
            assert template.render(Context({"name": "Log out"})) == "Drafts|Review|Drafts|Drafts|Log out"
