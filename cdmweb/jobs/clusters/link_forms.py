"""The "Create a link" form: one field per documented link input of the chosen connector (typed,
required marks, the catalogue's help), secrets write-only, and the clusters to create it on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cdmweb.catalog.registry import InputSpec, get_catalog
from cdmweb.jobspec import links as linkspec
from cdmweb.jobspec.characters import name_problem
from cdmweb.jobspec.findings import ERROR
from cdmweb.jobspec.validation import applies

from .links import link_body

# A link's name goes into URL paths (…/cdm/link/{name}): these would address something else.
NAME_FORBIDDEN = set("/\\?#%")


def field_name(input_name: str) -> str:
    """A form field per input: dots would make awkward HTML ids, so they become two underscores."""
    return "in__" + input_name.replace(".", "__")


def connector_choices() -> list[tuple[str, str]]:
    return [("", _("— choose a connector —"))] + [
        (c.name, f"{c.name} — {c.label_text}") for c in get_catalog().connectors.values()
    ]


class LinkForm(forms.Form):
    name = forms.CharField(
        max_length=linkspec.NAME_MAX,
        label=gettext_lazy("Name"),
        help_text=gettext_lazy("The name jobs use in from-link-name / to-link-name."),
        error_messages={
            "required": gettext_lazy("Give the link a name."),
            "max_length": gettext_lazy("A link name has at most 240 characters."),
        },
    )
    connector = forms.ChoiceField(
        choices=connector_choices,
        error_messages={
            "required": gettext_lazy("Choose the connector the link is for."),
            "invalid_choice": gettext_lazy("%(value)s is not a connector CDM knows."),
        },
    )
    clusters = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Clusters"),
        help_text=gettext_lazy("The link is created on each cluster ticked."),
        error_messages={
            "required": gettext_lazy("Tick at least one cluster."),
            "invalid_choice": gettext_lazy("%(value)s is not a running cluster of this target."),
        },
    )

    def __init__(self, *args: Any, connector: str, clusters: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connector_name = connector
        self.fields["clusters"].choices = [(c["id"], c.get("name") or c["id"]) for c in clusters]
        self.specs: dict[str, InputSpec] = {spec.name: spec for spec in linkspec.link_specs(connector)}
        for spec in self.specs.values():
            self.fields[field_name(spec.name)] = _field(spec)

    def input_fields(self) -> list[forms.BoundField]:
        return [self[field_name(name)] for name in self.specs]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if name_problem(name):
            raise forms.ValidationError(_("The name %(problem)s") % {"problem": name_problem(name)})
        if name in (".", "..") or NAME_FORBIDDEN & set(name):
            raise forms.ValidationError(_("A link name cannot be . or .. nor hold / \\ ? # or %."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors or data.get("connector") != self.connector_name:
            if data.get("connector") and data.get("connector") != self.connector_name:
                self.add_error("connector", _("The connector changed: its inputs are shown now; fill them in."))
            return data
        values = self.values()
        for found in linkspec.validate_link(link_body(data["name"], self.connector_name, values)):
            if found["status"] != ERROR:
                continue
            name = found.get("input", "")
            target = field_name(name) if name in self.specs else None
            self.add_error(target, found["message"])
        return data

    def values(self) -> dict[str, str]:
        """Input name -> value of what was filled in and applies (blank ones are not sent)."""
        raw = {name: _text(self.cleaned_data.get(field_name(name))) for name in self.specs}
        given = {name: value for name, value in raw.items() if value != ""}
        return {name: value for name, value in given.items() if applies(self.specs[name], self.specs, given)}

    def link(self) -> dict[str, Any]:
        return link_body(self.cleaned_data["name"], self.connector_name, self.values())


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip() if not isinstance(value, str) else value


def _field(spec: InputSpec) -> forms.Field:
    # A required input that applies only in some cases is checked in clean(), where its case is known.
    required = spec.required and not spec.when and spec.type != "boolean"
    # The form marks a required field itself; one required only in some cases is marked here.
    label = spec.key + (" *" if spec.required and not required else "")
    help_text = spec.help_text[:300]
    if spec.when:
        help_text = (help_text + " " + _("(applies when %(condition)s)") % {"condition": spec.describe_when()}).strip()
    common: dict[str, Any] = {
        "label": label,
        "required": required,
        "help_text": help_text,
        "error_messages": {"required": _("%(input)s cannot be left blank.") % {"input": spec.name}},
    }
    if spec.secret:
        return forms.CharField(widget=forms.PasswordInput(render_value=False), strip=False, **common)
    if spec.type == "enum" and spec.choices:
        choices = [("", "—")] + [(c, c) for c in spec.choices]
        common["error_messages"]["invalid_choice"] = _("%(input)s must be one of %(choices)s.") % {
            "input": spec.key,
            "choices": ", ".join(spec.choices),
        }
        return forms.ChoiceField(choices=choices, initial=spec.default or "", **common)
    if spec.type == "boolean":
        choices = [("", _("— not set —")), ("true", "true"), ("false", "false")]
        common["error_messages"]["invalid_choice"] = _("%(input)s must be true or false.") % {"input": spec.key}
        return forms.ChoiceField(choices=choices, initial=spec.default or "", **common)
    if spec.type == "integer":
        common["error_messages"]["invalid"] = _("%(input)s must be a whole number.") % {"input": spec.key}
        return forms.IntegerField(min_value=spec.min, max_value=spec.max, initial=spec.default, **common)
    if spec.type in ("map", "list"):
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), initial=spec.default, **common)
    return forms.CharField(max_length=2000, initial=spec.default, **common)
