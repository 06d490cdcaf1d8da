"""Every template's visible text goes through translation (the rule is in template_text.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from .template_text import untranslated_text

TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))


def test_the_rule_finds_english_text_and_attributes():
    source = '<p title="Open the job">Saved {{ when }}.</p><input placeholder="Search">{{ x|default:"none yet" }}'
    found = ['p[title]="Open the job"', "Saved .", 'input[placeholder]="Search"', "none yet"]
    assert untranslated_text(source) == found


def test_the_rule_leaves_translated_text_names_and_code_alone():
    source = (
        '{% load i18n %}<h1>{% translate "Drafts" %}</h1><p title="{% translate "Open" %}">'
        "{% blocktranslate %}Saved {{ when }} ago.{% endblocktranslate %}</p>"
        "<p><code>fromJobConfig.tableName</code> Cdm.0104 NORMAL_JOB X-Language cdmweb → 草稿</p>"
        '{# a comment in English #}<kbd>Alt</kbd><button lang="en">English</button>'
        '<span class="{{ x|default:"info" }}"></span>'
    )
    assert untranslated_text(source) == []


def test_the_rule_reads_confirmations_group_labels_and_shown_literals():
    source = (
        '<form hx-confirm="Delete this draft?"></form><optgroup label="Not applicable"></optgroup>'
        '{{ x|yesno:"shared,private" }}{% firstof a b "nothing yet" %}'
    )
    found = ['form[hx-confirm]="Delete this draft?"', 'optgroup[label]="Not applicable"', "shared,private nothing yet"]
    assert untranslated_text(source) == found


def test_the_page_language_does_not_excuse_its_text():
    assert untranslated_text('<html lang="en"><p>Request refused</p></html>') == ["Request refused"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(path.parents[1])))
def test_every_template_text_goes_through_translation(template):
    assert untranslated_text(template.read_text(encoding="utf-8")) == []
