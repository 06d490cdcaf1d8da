"""What several screens' views share: the request type, query-string numbers, going back."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from cdmweb.jobs.models import JobDraft


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails


def parse_int(value: str | None) -> int:
    """A query-string id or offset; anything else (even "²", which isdigit() accepts) is 0."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else 0


def back_to_designer(draft: JobDraft, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("designer", args=[draft.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)
