from __future__ import annotations

import re
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy

from cdmweb.accounts.models import ADMIN, EDITOR, REVIEWER, Team
from cdmweb.catalog.registry import get_catalog
from cdmweb.jobspec.characters import name_problem
from cdmweb.jobspec.constants import is_running
from cdmweb.jobspec.validation import ERROR, NAME_MAX, naming_rule

from .models import Target
from .submissions.endpoints import endpoint_problem
from .submissions.targets import team_variable_prefix

# Used with fullmatch: "$" would also match before a final newline.
INPUT_NAME = re.compile(r"[A-Za-z_][\w.\-]*")
GROUP_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_VALUE_CHARS = 1_000_000


def job_type_choices(current: str | None = None) -> list[tuple[str, str]]:
    choices = [(value, f"{value} — {label}") for value, label in get_catalog().job_types_text]
    if current and current not in dict(choices):
        choices.append((current, gettext("%(job_type)s (not a CDM job type)") % {"job_type": current}))
    return choices


def connector_choices(side: str, current: str | None = None) -> list[tuple[str, str]]:
    catalog = get_catalog()
    choices = [(c.name, f"{c.name} — {c.label_text}") for c in catalog.connectors_for(side)]
    if current and current not in dict(choices):
        if catalog.connector(current) is None:
            label = gettext("%(connector)s (not in the catalogue)")
        else:
            label = gettext("%(connector)s (undocumented in this direction)")
        choices.append((current, label % {"connector": current}))
    return choices


class JobHeaderForm(forms.Form):
    """Name, type, connectors and links: used to create a draft and to edit its header."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=NAME_MAX,
        strip=False,
        help_text=gettext_lazy("1 to 240 letters, digits, _, - and ., starting with a letter or digit, as CDM allows."),
    )
    job_type = forms.ChoiceField(label=gettext_lazy("Job type"))
    from_connector = forms.ChoiceField(label=gettext_lazy("Source connector"))
    from_link = forms.CharField(label=gettext_lazy("Source link name"), max_length=NAME_MAX)
    to_connector = forms.ChoiceField(label=gettext_lazy("Destination connector"))
    to_link = forms.CharField(label=gettext_lazy("Destination link name"), max_length=NAME_MAX)

    def __init__(self, *args: Any, current: dict[str, str | None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = current or {}
        self.fields["job_type"].choices = job_type_choices(current.get("job_type"))
        for side in ("from", "to"):
            field, choices = f"{side}_connector", connector_choices(side, current.get(f"{side}_connector"))
            # A draft whose job names no connector (imported so) shows none picked, not the first.
            if current and not current.get(field):
                choices.insert(0, ("", gettext("— choose —")))
            self.fields[field].choices = choices
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-8"), Column("job_type", css_class="col-md-4")),
            Row(Column("from_connector", css_class="col-md-6"), Column("from_link", css_class="col-md-6")),
            Row(Column("to_connector", css_class="col-md-6"), Column("to_link", css_class="col-md-6")),
            Submit("create", gettext("Create draft")),
        )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if not name.strip():
            raise forms.ValidationError(gettext("The job name cannot be blank."))
        if name_problem(name):
            raise forms.ValidationError(gettext("The job name %(problem)s") % {"problem": name_problem(name)})
        return name

    def clean_from_link(self) -> str:
        return self._clean_link("from_link")

    def clean_to_link(self) -> str:
        return self._clean_link("to_link")

    def _clean_link(self, field: str) -> str:
        value = self.cleaned_data[field].strip()
        if not value:
            raise forms.ValidationError(gettext("A link name is required."))
        if name_problem(value):
            raise forms.ValidationError(gettext("The link name %(problem)s") % {"problem": name_problem(value)})
        return value


class AddInputForm(forms.Form):
    """Add one input to a group: a catalogue key from the list, or a custom key."""

    catalog_name = forms.CharField(required=False, max_length=255)
    custom_name = forms.CharField(required=False, max_length=255)
    value = forms.CharField(required=False, strip=False, max_length=MAX_VALUE_CHARS)

    def __init__(self, *args: Any, group_name: str, existing: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group_name = group_name
        self.existing = existing

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        custom, picked = (data.get("custom_name") or "").strip(), (data.get("catalog_name") or "").strip()
        if custom and picked:
            # Taking one silently would drop the other without a word.
            message = gettext(
                "Both a documented input (%(picked)s) and a custom key (%(custom)s) were given: keep one of them."
            )
            raise forms.ValidationError(message % {"picked": picked, "custom": custom})
        name = custom or picked
        if not name:
            raise forms.ValidationError(gettext("Choose an input from the list or type a custom key."))
        if "." not in name:
            name = f"{self.group_name}.{name}"
        if not INPUT_NAME.fullmatch(name):
            message = gettext(
                "%(name)s is not a usable key: start with a letter and use letters, digits, '.', '_' or '-'."
            )
            raise forms.ValidationError(message % {"name": repr(name)})
        if name in self.existing:
            message = gettext("%(name)s is already in %(group)s; edit it there.")
            raise forms.ValidationError(message % {"name": name, "group": self.group_name})
        data["name"] = name
        return data


class EditInputForm(forms.Form):
    value = forms.CharField(required=False, strip=False, max_length=MAX_VALUE_CHARS)


class AddGroupForm(forms.Form):
    name = forms.CharField(max_length=100)

    def __init__(self, *args: Any, existing: set[str], raw_side: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.existing = existing
        self.raw_side = raw_side

    def clean_name(self) -> str:
        if self.raw_side:
            raise forms.ValidationError(
                gettext(
                    "This part of the job was imported in a shape the designer cannot edit; it is kept as it came."
                    " Fix it in the JSON and import it again."
                )
            )
        name = self.cleaned_data["name"].strip()
        if not GROUP_NAME.match(name):
            raise forms.ValidationError(
                gettext("A group name starts with a letter and holds letters, digits and _ only.")
            )
        if name in self.existing:
            raise forms.ValidationError(gettext("%(name)s is already there.") % {"name": name})
        return name


def teams_to_create_in(user: Any) -> Any:
    """Teams where ``user`` may put drafts: those where they edit or more."""
    return Team.objects.filter(memberships__user=user, memberships__role__in=(EDITOR, REVIEWER, ADMIN))


class TeamField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", gettext_lazy("Private (only me)"))
        kwargs.setdefault("label", gettext_lazy("Shared with"))
        kwargs.setdefault(
            "help_text", gettext_lazy("A team's members see the draft by role; team drafts need review to submit.")
        )
        super().__init__(queryset=None, **kwargs)


class CreateDraftForm(JobHeaderForm):
    team = TeamField()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_to_create_in(user)
        self.fields["name"].widget.attrs["autofocus"] = True  # the page is this form: start typing
        self.helper.layout.insert(len(self.helper.layout) - 1, "team")

    def clean_name(self) -> str:
        """A new draft starts with a name CDM takes (Cdm.0110); an imported one keeps its own, with
        the finding beside it, so that nothing imported is changed or lost."""
        name = super().clean_name()
        for problem in naming_rule("name", name):
            if problem["status"] == ERROR:
                raise forms.ValidationError(problem["message"])
        return name


class ShareForm(forms.Form):
    team = TeamField()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_to_create_in(user)


COMMENT_MAX = 5000


class CommentForm(forms.Form):
    body = forms.CharField(
        max_length=COMMENT_MAX, strip=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Comment")
    )
    input_name = forms.CharField(
        required=False,
        max_length=255,
        label=gettext_lazy("About input"),
        help_text=gettext_lazy("optional, e.g. fromJobConfig.tableName"),
    )

    def __init__(self, *args: Any, input_names: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.input_names = input_names or set()

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(gettext("Write something to comment."))
        return body

    def clean_input_name(self) -> str:
        name = self.cleaned_data["input_name"].strip()
        if name and name not in self.input_names:
            raise forms.ValidationError(gettext("This draft has no input named “%(name)s”.") % {"name": name})
        return name


class ReviewRequestForm(forms.Form):
    message = forms.CharField(
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Note to the reviewer"),
    )


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("changes", gettext_lazy("Request changes"))],
        label=gettext_lazy("Decision"),
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Comment"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "changes" and not (data.get("comment") or "").strip():
            self.add_error("comment", gettext("Say what should change."))
        return data


# What a refused paste keeps in the box: enough to see what it was, never megabytes.
KEPT_OF_A_REFUSED_PASTE = 2_000


class ImportForm(forms.Form):
    text = forms.CharField(
        required=False,
        strip=False,
        label=gettext_lazy("Paste JSON"),
        widget=forms.Textarea(attrs={"rows": 14, "class": "font-monospace", "spellcheck": "false"}),
        help_text=gettext_lazy(
            'A Job, {"jobs": [...]}, a random-cluster body, a show_jobs response, '
            "or a config fragment as the CDM reference prints it."
        ),
    )
    file = forms.FileField(required=False, label=gettext_lazy("…or upload a .json file"))
    team = TeamField()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_to_create_in(user)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        limit = settings.CDMWEB_MAX_IMPORT_BYTES
        if upload and data.get("text", "").strip():
            # Taking one and dropping the other silently would import something the user didn't mean.
            raise forms.ValidationError(gettext("Paste JSON or upload a file, not both: clear one of them."))
        if upload:
            if upload.size > limit:
                message = gettext("The file is %(size)s bytes; the limit is %(limit)s.")
                raise forms.ValidationError(message % {"size": f"{upload.size:,}", "limit": f"{limit:,}"})
            raw = upload.read()
            try:
                data["body"] = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(gettext("The file is not UTF-8 text.")) from exc
        elif data.get("text", "").strip():
            size = len(data["text"].encode())
            if size > limit:
                # Not echoed back whole: megabytes in the page help nobody. Its start stays in the box.
                kept = data["text"][:KEPT_OF_A_REFUSED_PASTE]
                self.data = self.data.copy()
                self.data["text"] = kept
                message = gettext(
                    "The pasted text is %(size)s bytes, over the %(limit)s-byte limit: nothing was imported. "
                    "Only its first %(kept)s characters are kept below; the rest was cut. "
                    "Paste less at a time, or upload a file within the limit."
                )
                raise forms.ValidationError(
                    message % {"size": f"{size:,}", "limit": f"{limit:,}", "kept": f"{len(kept):,}"}
                )
            data["body"] = data["text"]
        else:
            raise forms.ValidationError(gettext("Paste a CDM job JSON or choose a file."))
        return data


class _GreysOutSomeOptions:
    """Shows every cluster but lets only the running ones be picked: CDM refuses the others."""

    disabled_values: frozenset[str] = frozenset()

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)  # type: ignore[misc]
        if str(option["value"]) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


class ClusterSelect(_GreysOutSomeOptions, forms.Select):
    pass


class ClusterCheckboxes(_GreysOutSomeOptions, forms.CheckboxSelectMultiple):
    pass


def _cluster_label(cluster: dict[str, Any], running: bool) -> str:
    """ "prod-1 (running)", "prod-2 (status 900)": a cluster as the submit form lists it."""
    if running:
        return gettext("%(name)s (running)") % {"name": cluster["name"]}
    return gettext("%(name)s (status %(status)s)") % {"name": cluster["name"], "status": cluster["status"]}


class SubmitForm(forms.Form):
    """Where to send a draft: one cluster of a target, or a pool of them for a random pick."""

    MODES = [
        ("cluster", gettext_lazy("One cluster (create, then start; or update the job it has)")),
        ("pool", gettext_lazy("A random running cluster from a pool")),
    ]

    target = forms.ModelChoiceField(queryset=None, empty_label=None, label=gettext_lazy("Target"))
    mode = forms.ChoiceField(choices=MODES, widget=forms.RadioSelect, initial="pool", label=gettext_lazy("Mode"))
    cluster_id = forms.CharField(required=False, max_length=64, label=gettext_lazy("Cluster"))
    pool = forms.MultipleChoiceField(required=False, widget=ClusterCheckboxes, label=gettext_lazy("Pool"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # Set once the user has said that the job the cluster already has by this name is the one meant.
    update = forms.BooleanField(required=False, widget=forms.HiddenInput)
    start = forms.BooleanField(
        required=False,
        initial=True,
        label=gettext_lazy("Start the job once it is updated"),
        help_text=gettext_lazy("a new job always starts"),
    )

    def __init__(self, *args: Any, targets: Any, target: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name_taken: Any = None
        self.fields["target"].queryset = targets
        clusters = target.clusters if target is not None else []
        choices = [(c["id"], _cluster_label(c, is_running(c))) for c in clusters]
        self.not_running = {c["id"]: _cluster_label(c, False) for c in clusters if not is_running(c)}
        self.fields["cluster_id"].widget = ClusterSelect(choices=[("", gettext_lazy("— choose —")), *choices])
        self.fields["pool"].choices = choices
        for field in ("cluster_id", "pool"):
            self.fields[field].widget.disabled_values = frozenset(self.not_running)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("mode") == "cluster" and not data.get("cluster_id"):
            self.add_error("cluster_id", gettext("Choose the cluster to create the job in."))
        if data.get("mode") == "pool" and not data.get("pool"):
            self.add_error("pool", gettext("Tick at least one cluster for the random pick."))
        chosen = [data.get("cluster_id")] if data.get("mode") == "cluster" else data.get("pool") or []
        stopped = [self.not_running[cluster] for cluster in chosen if cluster in self.not_running]
        if stopped:
            field = "cluster_id" if data.get("mode") == "cluster" else "pool"
            self.add_error(
                field, gettext("Not running, so CDM would refuse it: %(clusters)s.") % {"clusters": ", ".join(stopped)}
            )
        return data


def https_url_fields(field: models.Field, **kwargs: Any) -> Any:
    """A ModelForm ``formfield_callback``: URLs typed without a scheme are https (Django 6's default)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


TARGET_FIELDS = [
    "name",
    "endpoint",
    "region",
    "project_id",
    "auth_mode",
    "iam_endpoint",
    "username",
    "domain",
    "access_key",
    "access_key_source",
    "new_secret",
    "secret_source",
    "x_language",
    "requires_review",
]


class TargetForm(forms.ModelForm):
    """A CDM target. The secret is write-only: typed in, stored encrypted, never shown again."""

    new_secret = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        label=gettext_lazy("Secret (SK, IAM password or token)"),
        help_text=gettext_lazy("Stored encrypted and never shown again; leave empty to keep the stored one."),
    )
    # CDM's documented X-Language values; empty: each call in the language of whom it is for.
    x_language = forms.ChoiceField(
        required=False,
        label=gettext_lazy("CDM language (X-Language)"),
        choices=[("", gettext_lazy("Follow the user's language")), ("en-us", "en-us"), ("zh-cn", "zh-cn")],
        help_text=gettext_lazy(
            "The language CDM answers in (its messages and errors). Following the user, CDM answers "
            "each person in theirs: en-us for English, zh-cn for Chinese."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.x_language
        field = self.fields["x_language"]
        if stored and stored not in dict(field.choices):
            field.choices = [*field.choices, (stored, stored)]  # a value set before: kept unless changed

    class Meta:
        model = Target
        fields = TARGET_FIELDS
        formfield_callback = https_url_fields

    def clean_endpoint(self) -> str:
        return self._clean_endpoint("endpoint")

    def clean_iam_endpoint(self) -> str:
        return self._clean_endpoint("iam_endpoint")

    def _clean_endpoint(self, field: str) -> str:
        value = (self.cleaned_data.get(field) or "").strip().rstrip("/")
        problem = endpoint_problem(value) if value else ""
        if problem:
            raise forms.ValidationError(problem)
        return value

    # Where and how the stored secret is sent: changing any of them needs the secret typed again,
    # so nobody can redirect a secret they cannot read to a server of their own.
    SECRET_DESTINATION = ("endpoint", "iam_endpoint", "auth_mode", "username", "domain", "project_id")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        moved = [f for f in self.SECRET_DESTINATION if f in self.changed_data]
        if self.instance.pk and self.instance.secret_encrypted and moved and not data.get("new_secret"):
            self.add_error(
                "new_secret",
                gettext("You changed %(fields)s: type the secret again, it is never sent anywhere new unseen.")
                % {"fields": ", ".join(moved)},
            )
        return data

    def save(self, commit: bool = True) -> Target:
        target = super().save(commit=False)
        if self.cleaned_data.get("new_secret"):
            target.set_secret(self.cleaned_data["new_secret"])
        if commit:
            target.save()
        return target


class TeamTargetForm(TargetForm):
    """A team's own CDM target. Its secret is typed in (stored encrypted) or named by a server
    variable, and only variables meant for targets may be named."""

    endpoint = forms.URLField(
        assume_scheme="https",
        label=gettext_lazy("Endpoint"),
        help_text=gettext_lazy("CDM base URL, e.g. https://cdm.eu-de.example.com"),
    )

    @property
    def variable_prefix(self) -> str:
        """Each team names only its own variables (see ``team_variable_prefix``)."""
        return team_variable_prefix(self.instance.team_id)

    def _clean_source(self, field: str) -> str:
        value = self.cleaned_data[field].strip()
        prefix = self.variable_prefix
        if value and not value.startswith(prefix):
            raise forms.ValidationError(
                gettext("Name a variable starting with %(prefix)s, e.g. %(prefix)sPROD_SK.") % {"prefix": prefix}
            )
        return value

    def clean_access_key_source(self) -> str:
        return self._clean_source("access_key_source")

    def clean_secret_source(self) -> str:
        return self._clean_source("secret_source")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("endpoint"):
            self.add_error(
                "endpoint", gettext("A team's target needs its CDM endpoint; the sandbox is everyone's already.")
            )
        has_secret = data.get("new_secret") or data.get("secret_source") or self.instance.secret_encrypted
        if not has_secret:
            self.add_error(
                "new_secret", gettext("Type the secret (stored encrypted), or name the variable holding it.")
            )
        needs_ak = data.get("auth_mode") == Target.AuthMode.AKSK
        if needs_ak and not (data.get("access_key") or data.get("access_key_source")):
            self.add_error("access_key", gettext("AK/SK signing needs the AK, or the variable holding it."))
        return data
