"""The sandbox's HTTP face: CDM's paths, auth, answers and error shapes, over real HTTP.

Clients (ours, or the official SDK pointed here) cannot tell it from a CDM endpoint for the
operations cdmweb uses. Faults stored as SandboxFault rows make it slow, failing or garbled on
demand.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt

from cdmweb import jsontext
from cdmweb.cdm.signing import verify_wsgi_request
from cdmweb.jsontext import JsonTooDeep

from . import engine
from .engine import SandboxRefusal
from .models import SandboxCluster, SandboxFault, SandboxToken

log = logging.getLogger("cdmweb.sandbox")
TOKEN_LIFETIME = timedelta(hours=24)

View = Callable[..., HttpResponse]


def cdm_error(status: int, code: str, message: str) -> JsonResponse:
    """CDM's documented 400 shape: code and errCode, message and externalMessage."""
    return JsonResponse({"code": code, "errCode": code, "message": message, "externalMessage": message}, status=status)


def gateway_error(status: int, code: str, message: str) -> JsonResponse:
    """The API gateway's shape, as auth failures come back."""
    return JsonResponse({"error_code": code, "error_msg": message}, status=status)


def _fault_for(request: HttpRequest, project_id: str) -> SandboxFault | None:
    candidates = SandboxFault.objects.filter(remaining__gt=0).order_by("id")
    for fault in candidates:
        if fault.project_id and fault.project_id != project_id:
            continue
        if fault.method and fault.method.upper() != request.method:
            continue
        if fault.path_contains and fault.path_contains not in request.path:
            continue
        SandboxFault.objects.filter(pk=fault.pk).update(remaining=F("remaining") - 1)
        return fault
    return None


def _dropped() -> Iterator[bytes]:
    yield b'{"submissions": ['
    raise ConnectionAbortedError("sandbox fault: connection dropped")


def _apply_fault(fault: SandboxFault, request: HttpRequest) -> HttpResponse | None:
    if fault.kind == SandboxFault.SLOW:
        time.sleep(float(fault.value or 2))
        return None
    if fault.kind == SandboxFault.STATUS:
        status = int(fault.value or 503)
        return gateway_error(status, f"SANDBOX.{status}", "Injected fault: the service is unavailable.")
    if fault.kind == SandboxFault.GARBAGE:
        return HttpResponse(b"<html><body>502 Bad Gateway</body>\x00\xff", status=200, content_type="application/json")
    if fault.kind == SandboxFault.DROP:
        # Promise more than is sent, then stop: the client sees the connection break mid-answer.
        response = StreamingHttpResponse(_dropped(), content_type="application/json")
        response["Content-Length"] = "4096"
        return response
    if fault.kind == SandboxFault.UNAUTHORIZED:
        return gateway_error(401, "APIGW.0301", "Incorrect IAM authentication information: token expired.")
    if fault.kind == SandboxFault.ECHO:
        return cdm_error(400, "Cdm.0018", f"Invalid input values: {_echo(request.body, fault.value)}")
    return None


def _echo(body: bytes, encoding: str) -> str:
    """The inputs of a request body, repeated as a careless server would: JSON (strings escaped),
    URL-encoded, or each value in base64."""
    try:
        found, stack = [], [jsontext.loads(body)]
    except ValueError:
        return body.decode("utf-8", "replace")
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            if "name" in item and "value" in item:
                found.append({"name": item["name"], "value": item["value"]})
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    if encoding == "url":
        return quote(json.dumps(found, ensure_ascii=False), safe="")
    if encoding == "base64":
        return ", ".join(f"{i['name']}={base64.b64encode(str(i['value']).encode()).decode()}" for i in found)
    return json.dumps(found)


def _authenticate(request: HttpRequest, project_id: str) -> str | None:
    """The caller's name when the request carries a sandbox token for this project or a valid
    AK/SK signature; None otherwise."""
    token = request.headers.get("X-Auth-Token")
    if token:
        found = SandboxToken.objects.filter(token=token, expires_at__gt=timezone.now()).first()
        return found.user if found and found.project_id == project_id else None
    if request.headers.get("Authorization", "").startswith("SDK-HMAC-SHA256"):
        secrets = {settings.CDM_SANDBOX_AK: settings.CDM_SANDBOX_SK}
        access_key = verify_wsgi_request(request.META, request.body, secrets.get, timezone.now())
        # As on the real service, an AK/SK pair belongs to one project: the sandbox's.
        if access_key and project_id == settings.CDM_SANDBOX_PROJECT_ID:
            return f"ak:{access_key[:4]}"
    return None


def asks_chinese(request: HttpRequest) -> bool:
    """CDM answers in Chinese when X-Language is zh_CN (any case, - or _), in English otherwise."""
    return request.headers.get("X-Language", "").strip().lower().replace("-", "_") == "zh_cn"


def cdm_endpoint(view: View) -> View:
    """Auth, injected faults and CDM-shaped refusals around a sandbox view, answered in the
    language X-Language asks for (the rules' messages too, as they are written in the active one)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, project_id: str, *args: Any, **kwargs: Any) -> HttpResponse:
        chinese = asks_chinese(request)
        with translation.override("zh-hans" if chinese else "en"):
            return _answer(view, chinese, request, project_id, *args, **kwargs)

    return wrapper


def _answer(
    view: View, chinese: bool, request: HttpRequest, project_id: str, *args: Any, **kwargs: Any
) -> HttpResponse:
    """The view's answer, or the refusal it raised in CDM's shape, timed in the log."""
    started = time.perf_counter()
    try:
        user = _authenticate(request, project_id)
        if user is None:
            response = gateway_error(401, "APIGW.0301", "Incorrect IAM authentication information.")
        # Faults are for callers who may call at all: an anonymous one must not use them up.
        elif (fault := _fault_for(request, project_id)) is not None and (
            injected := _apply_fault(fault, request)
        ) is not None:
            response = injected
        else:
            request.sandbox_user = user  # type: ignore[attr-defined]
            response = view(request, project_id, *args, **kwargs)
    except SandboxRefusal as refusal:
        response = cdm_error(refusal.status, refusal.code, refusal.message_in(chinese))
    except engine.LinkInvalid as invalid:
        response = JsonResponse({"validation-result": engine.validation_result(invalid.findings)}, status=500)
    except RequestDataTooBig:
        response = cdm_error(413, "Cdm.0018", _too_big())
    log.info(
        "sandbox %s %s -> %s in %.1f ms",
        request.method,
        request.path,
        response.status_code,
        (time.perf_counter() - started) * 1000,
    )
    return response


def _too_big() -> str:
    return f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."


def _json_body(request: HttpRequest) -> Any:
    try:
        return jsontext.loads(request.body or b"null")
    except JsonTooDeep as exc:
        raise SandboxRefusal(400, "Cdm.0018", f"The request body is not acceptable JSON: {exc}.") from exc
    except ValueError as exc:
        raise SandboxRefusal(400, "Cdm.0018", "The request body is not valid JSON.") from exc


def _only(request: HttpRequest, *methods: str) -> None:
    if request.method not in methods:
        raise SandboxRefusal(405, "Cdm.0014", f"{request.method} is not supported here.")


# --- IAM ---------------------------------------------------------------------------------------


@csrf_exempt
def iam_tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return gateway_error(405, "APIGW.0101", "Use POST.")
    try:
        auth = jsontext.loads(request.body)["auth"]
        user = auth["identity"]["password"]["user"]
        name, password = user["name"], user["password"]
        project_id = auth["scope"]["project"]["id"]
    except RequestDataTooBig:
        return gateway_error(413, "IAM.0011", f"Request body is invalid: {_too_big()}")
    except (ValueError, KeyError, TypeError):
        return gateway_error(400, "IAM.0011", "Request body is invalid: password identity and project scope needed.")
    if not isinstance(project_id, str) or not project_id:
        return gateway_error(400, "IAM.0011", "Request body is invalid: a project id is needed.")
    if name != settings.CDM_SANDBOX_USER or password != settings.CDM_SANDBOX_PASSWORD:
        return gateway_error(401, "IAM.0002", "The username or password is wrong.")
    if project_id != settings.CDM_SANDBOX_PROJECT_ID:
        return gateway_error(403, "IAM.0003", "The user has no access to this project.")
    expires = timezone.now() + TOKEN_LIFETIME
    token = SandboxToken.objects.create(project_id=project_id, user=name, expires_at=expires)
    body = {
        "token": {
            "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "issued_at": timezone.now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "methods": ["password"],
            "project": {"id": project_id, "name": "sandbox"},
            "user": {"name": name},
        }
    }
    response = JsonResponse(body, status=201)
    response["X-Subject-Token"] = token.token
    return response


# --- clusters ----------------------------------------------------------------------------------


@cdm_endpoint
def clusters(request: HttpRequest, project_id: str) -> HttpResponse:
    _only(request, "GET")
    return JsonResponse({"clusters": [engine.cluster_json(c) for c in engine.ensure_clusters(project_id)]})


@cdm_endpoint
def cluster_detail(request: HttpRequest, project_id: str, cluster_id: str) -> HttpResponse:
    _only(request, "GET")
    return JsonResponse(engine.cluster_json(engine.get_cluster(project_id, cluster_id)))


# --- jobs --------------------------------------------------------------------------------------


@cdm_endpoint
def create_job(request: HttpRequest, project_id: str, cluster_id: str) -> HttpResponse:
    _only(request, "POST")
    cluster = engine.running_cluster(project_id, cluster_id)
    jobs = engine.check_jobs_body(_json_body(request))
    name = engine.create_jobs(cluster, jobs)
    return JsonResponse({"name": name, "validation-result": []})


@cdm_endpoint
def random_cluster_job(request: HttpRequest, project_id: str) -> HttpResponse:
    _only(request, "POST")
    body = _json_body(request)
    jobs = engine.check_jobs_body(body)
    cluster = engine.pick_random_running(project_id, body.get("clusters"))
    engine.create_jobs(cluster, jobs)
    submissions = [engine.start_job(engine.get_job(cluster, job["name"]), request.sandbox_user) for job in jobs]
    return JsonResponse({"submissions": [engine.submission_json(s) for s in submissions]})


def _cluster_and_job(project_id: str, cluster_id: str, job_name: str) -> tuple[SandboxCluster, Any]:
    cluster = engine.get_cluster(project_id, cluster_id)
    return cluster, engine.get_job(cluster, job_name)


@cdm_endpoint
def job(request: HttpRequest, project_id: str, cluster_id: str, job_name: str) -> HttpResponse:
    _only(request, "GET", "PUT", "DELETE")
    cluster = engine.get_cluster(project_id, cluster_id)
    if request.method == "GET" and job_name == "all":
        return JsonResponse(engine.list_jobs(cluster, request.GET))
    if request.method == "PUT":
        engine.running_cluster(project_id, cluster_id)
        engine.update_job(cluster, job_name, engine.check_jobs_body(_json_body(request)))
        return JsonResponse({"validation-result": []})
    found = engine.get_job(cluster, job_name)
    if request.method == "DELETE":
        engine.delete_job(found)
        return JsonResponse({})
    return JsonResponse({"total": 0, "jobs": [engine.listed_job(found)], "page_no": 1, "page_size": 10})


@cdm_endpoint
def job_start(request: HttpRequest, project_id: str, cluster_id: str, job_name: str) -> HttpResponse:
    _only(request, "PUT")
    engine.running_cluster(project_id, cluster_id)
    variables = engine.start_body_variables(_json_body(request) if request.body else {})
    _, found = _cluster_and_job(project_id, cluster_id, job_name)
    submission = engine.start_job(found, request.sandbox_user, variables)
    return JsonResponse({"submissions": [engine.submission_json(submission)]})


@cdm_endpoint
def job_stop(request: HttpRequest, project_id: str, cluster_id: str, job_name: str) -> HttpResponse:
    _only(request, "PUT")
    _, found = _cluster_and_job(project_id, cluster_id, job_name)
    engine.stop_job(found)
    return JsonResponse({})


@cdm_endpoint
def job_status(request: HttpRequest, project_id: str, cluster_id: str, job_name: str) -> HttpResponse:
    _only(request, "GET")
    _, found = _cluster_and_job(project_id, cluster_id, job_name)
    latest = found.submissions.first()
    if latest is None:
        return JsonResponse({"submissions": [{"job-name": found.name, "status": "NEVER_EXECUTED", "progress": 0}]})
    return JsonResponse({"submissions": [engine.submission_json(latest)]})


@cdm_endpoint
def submissions(request: HttpRequest, project_id: str, cluster_id: str) -> HttpResponse:
    _only(request, "GET")
    name = request.GET.get("jname", "")
    if not name:
        return cdm_error(400, "Cdm.0018", "jname is required.")
    _, found = _cluster_and_job(project_id, cluster_id, name)
    runs = found.submissions.all()
    items = [engine.submission_json(s) for s in runs[:10]]
    return JsonResponse({"submissions": items, "total": runs.count(), "page_no": 1, "page_size": 10})


# --- links -------------------------------------------------------------------------------------


@cdm_endpoint
def create_link(request: HttpRequest, project_id: str, cluster_id: str) -> HttpResponse:
    _only(request, "POST")
    validate = request.GET.get("validate", "false")
    if validate not in ("true", "false"):
        raise SandboxRefusal(400, "Cdm.0014", "Invalid parameter: validate is true or false.")
    cluster = engine.running_cluster(project_id, cluster_id)
    links = engine.check_links_body(_json_body(request))
    return JsonResponse(engine.create_links(cluster, links, validate=validate == "true"))


@cdm_endpoint
def link(request: HttpRequest, project_id: str, cluster_id: str, link_name: str) -> HttpResponse:
    _only(request, "GET", "PUT", "DELETE")
    cluster = engine.get_cluster(project_id, cluster_id)
    if request.method == "PUT":
        engine.running_cluster(project_id, cluster_id)
        return JsonResponse(engine.update_link(cluster, link_name, engine.check_links_body(_json_body(request))))
    found = engine.get_link(cluster, link_name)
    if request.method == "DELETE":
        engine.delete_link(cluster, found)
        return JsonResponse({})
    return JsonResponse(engine.show_link(found))
