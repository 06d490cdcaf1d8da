"""What a CDM or IAM error may say: never a secret, in whatever form the server echoes it."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

from cdmweb.cdm.errors import REDACTED, CdmError, CdmNotFound, clean_text, error_from_response, job_gone

PASSWORD = 'Quote"Back\\slash-Ümlaut pw'


def test_every_form_of_a_secret_in_an_echo_is_redacted():
    echoes = {
        "raw": PASSWORD,
        "json": json.dumps(PASSWORD)[1:-1],
        "json, ASCII only": json.dumps(PASSWORD, ensure_ascii=True)[1:-1],
        "json inside json": json.dumps(json.dumps(PASSWORD)[1:-1])[1:-1],
        "url": quote(PASSWORD, safe=""),
        "url, lower-case hex": quote(PASSWORD, safe="").lower(),
        "form-encoded": quote_plus(PASSWORD),
        "base64": base64.b64encode(PASSWORD.encode()).decode(),
        "base64, url-safe, unpadded": base64.urlsafe_b64encode(PASSWORD.encode()).decode().rstrip("="),
    }
    for how, echo in echoes.items():
        line = clean_text(f"invalid request: password={echo!s} for user x", [PASSWORD])
        assert REDACTED in line and "Ümlaut" not in line and "Quote" not in line, how


def test_an_iam_error_echoing_the_request_keeps_only_its_own_fields_without_the_password():
    body = json.dumps({"error": {"code": 400, "message": f'Invalid body: {{"password": {json.dumps(PASSWORD)}}}'}})
    error = error_from_response(400, body, secrets=[PASSWORD])
    assert "Quote" not in str(error) and "Quote" not in (error.body or "")
    assert str(error).startswith("Invalid body:") and "HTTP 400" in str(error)


def test_a_short_secret_and_a_secret_object_are_redacted_too():
    from cdmweb.jobspec.masking import secret_values

    assert (
        clean_text("bad password abc (YWJj) for abcdef", ["abc"]) == f"bad password {REDACTED} ({REDACTED}) for abcdef"
    )
    job = {"inputs": [{"name": "fromJobConfig.dbPassword", "value": {"nested": "NestedSecret-77"}}]}
    echoed = f"Invalid: {json.dumps(job)} and {quote(json.dumps(job))}"
    line = clean_text(echoed, secret_values(job), limit=10_000)
    assert "NestedSecret" not in line and "NestedSecret" not in clean_text(quote(echoed), secret_values(job), 10_000)


def test_a_job_gone_is_told_apart_from_a_link_gone():
    def answered(code: str) -> CdmError:
        return error_from_response(400, f'{{"error_code": "{code}", "error_msg": "x"}}', {}, method="PUT", path="/p")

    for code in ("Cdm.0100", "Cdm.0054", "Cdm.0319"):
        assert job_gone(answered(code)) and isinstance(answered(code), CdmNotFound)
    assert isinstance(answered("Cdm.0101"), CdmNotFound) and not job_gone(answered("Cdm.0101"))
    assert not job_gone(answered("Cdm.0052"))
