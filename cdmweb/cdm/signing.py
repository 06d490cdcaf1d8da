"""AK/SK request signing (``SDK-HMAC-SHA256``) compatible with ``huaweicloudsdkcore``'s ``Signer``.

The client side (:func:`sign_request`) must produce byte-for-byte the same ``Authorization`` header as the
official SDK, because the real API gateway recomputes it. The server side (:func:`verify_request`) must accept
what the SDK sends even though a WSGI server hands it over in a different form (decoded path, upper-cased
``HTTP_*`` names, latin-1 header values), so it tries the few canonical forms the SDK could have signed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, unquote, urlsplit

from cdmweb.translation import gettext as _

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
HEADER_DATE = "X-Sdk-Date"
HEADER_HOST = "Host"
HEADER_AUTHORIZATION = "Authorization"
HEADER_CONTENT_SHA256 = "X-Sdk-Content-Sha256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_HASH = hashlib.sha256(b"").hexdigest()

# The SDK signs exactly these headers whenever it sends them; a verifier that did not insist on them would let
# anyone swap the project or drop the payload hash of a captured request.
DEFAULT_REQUIRED_SIGNED = ("host", "x-sdk-date")
DEFAULT_SIGNED_IF_PRESENT = ("x-project-id", "x-domain-id", "x-security-token", "x-sdk-content-sha256")

_AUTH_RE = re.compile(
    r"^\s*SDK-HMAC-SHA256\s+Access=(?P<ak>[^,\s]+)\s*,\s*SignedHeaders=(?P<signed>[^,\s]+)\s*,"
    r"\s*Signature=(?P<sig>[0-9a-fA-F]{64})\s*$"
)
_DATE_RE = re.compile(r"^\d{8}T\d{6}Z$")

QueryParams = Iterable[tuple[str, object]]


# --- building blocks (each mirrors one private method of huaweicloudsdkcore.signer.signer.Signer) -------------


def format_date(moment: datetime) -> str:
    """``X-Sdk-Date`` value; naive datetimes are taken as UTC like the SDK's ``datetime.utcnow()``."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime(DATE_FORMAT)


def parse_date(value: str) -> datetime | None:
    if not isinstance(value, str) or not _DATE_RE.match(value.strip()):
        return None
    try:
        return datetime.strptime(value.strip(), DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def url_encode(value: str) -> str:
    return quote(value, safe="~")


def canonical_uri(path: str) -> str:
    """Path as the SDK signs it: decoded once, each segment re-encoded, always with a trailing slash.

    Decoding first means an encoded ``%2F`` inside a job name is signed as a plain ``/``; that is what the SDK
    does and what the gateway expects.
    """
    url_path = "/".join(url_encode(segment) for segment in unquote(path or "/").split("/"))
    return url_path if url_path.endswith("/") else url_path + "/"


def _canonical_uri_of_decoded(path: str) -> str:
    # For a path that a server already percent-decoded: decoding again would corrupt a literal "%41" in a name.
    url_path = "/".join(url_encode(segment) for segment in (path or "/").split("/"))
    return url_path if url_path.endswith("/") else url_path + "/"


def _query_value(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def canonical_query_string(params: QueryParams) -> str:
    """``k=v&…`` sorted the SDK's way: by the raw (key, value) tuples, before encoding; list values sorted."""
    pairs = list(params or ())
    try:
        pairs.sort()
    except TypeError:
        # The SDK would crash on incomparable values; sorting by text keeps the order stable instead.
        pairs.sort(key=lambda kv: (kv[0], _query_value(kv[1])))
    out: list[str] = []
    for key, value in pairs:
        k = url_encode(str(key))
        if isinstance(value, list):
            for item in sorted(value):
                out.append(f"{k}={url_encode(str(item))}")
        else:
            out.append(f"{k}={url_encode(_query_value(value))}")
    return "&".join(out)


def parse_query_string(query_string: str) -> list[tuple[str, str]]:
    """Pairs of a received query string, percent-decoded.

    ``+`` is kept literal: the SDK encodes spaces as ``%20`` and a ``+`` as ``%2B``, so a bare ``+`` can only
    have come from a client that meant it literally.
    """
    pairs: list[tuple[str, str]] = []
    for part in (query_string or "").split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((unquote(key), unquote(value)))
    return pairs


def signed_header_names(headers: Mapping[str, str]) -> list[str]:
    """Every header present is signed except names with an underscore (gateways may drop those)."""
    return sorted(name.lower() for name in headers if "_" not in name)


def canonical_headers(headers: Mapping[str, str], signed: Sequence[str]) -> str:
    lowered = {name.lower(): str(value).strip() for name, value in headers.items()}
    return "".join(f"{name}:{lowered.get(name, '')}\n" for name in signed)


def hashed_payload(body: bytes | str | None, headers: Mapping[str, str]) -> str:
    if not body:
        return EMPTY_HASH
    declared = header_value(headers, HEADER_CONTENT_SHA256)
    if declared:
        return declared
    return hashlib.sha256(_to_bytes(body)).hexdigest()


def canonical_request(
    method: str,
    path: str,
    query: QueryParams | str,
    headers: Mapping[str, str],
    body: bytes | str | None,
    signed_headers: Sequence[str] | None = None,
) -> str:
    """The six-line canonical request the signature is computed over.

    ``query`` is either ``(key, value)`` pairs or a raw query string; ``headers`` must already hold ``Host``
    and ``X-Sdk-Date``.
    """
    signed = list(signed_headers) if signed_headers is not None else signed_header_names(headers)
    pairs = parse_query_string(query) if isinstance(query, str) else query
    return _join_canonical(
        method,
        canonical_uri(path),
        canonical_query_string(pairs),
        canonical_headers(headers, signed),
        signed,
        hashed_payload(body, headers),
    )


def _join_canonical(
    method: str, uri: str, query: str, headers_block: str, signed: Sequence[str], body_hash: str
) -> str:
    return "\n".join([method.upper(), uri, query, headers_block, ";".join(signed), body_hash])


def string_to_sign(canonical: str, date: str | datetime) -> str:
    stamp = format_date(date) if isinstance(date, datetime) else date
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{stamp}\n{digest}"


def signature(sk: str, to_sign: str) -> str:
    return hmac.new(sk.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization_header(ak: str, signed: Sequence[str], sig: str) -> str:
    return f"{ALGORITHM} Access={ak}, SignedHeaders={';'.join(signed)}, Signature={sig}"


# --- client side ------------------------------------------------------------------------------------------------


def sign_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | str | None,
    ak: str,
    sk: str,
    now: datetime | None = None,
) -> dict[str, str]:
    """Headers to add to a request so that it carries an SDK-compatible signature.

    ``headers`` must be exactly the headers that will be sent (all of them get signed, as in the SDK); headers
    that ``requests`` adds later (Accept, Content-Length, …) stay unsigned, again as in the SDK. The result holds
    ``X-Sdk-Date``, ``Host`` (unless given), ``X-Sdk-Content-Sha256`` for non-JSON bodies and ``Authorization``.
    ``X-Project-Id`` is the caller's business (``AkSkAuth`` adds it before signing).
    """
    if not ak or not sk:
        raise ValueError(_("AK and SK are both required to sign a request"))
    parts = urlsplit(url)
    work = {str(k): str(v) for k, v in headers.items()}
    added: dict[str, str] = {}

    content_type = header_value(work, "Content-Type")
    if content_type and not content_type.startswith(("application/json", "application/bson")):
        added[HEADER_CONTENT_SHA256] = UNSIGNED_PAYLOAD

    stamp = header_value(work, HEADER_DATE)
    if stamp is None:
        stamp = format_date(now or datetime.now(UTC))
        added[HEADER_DATE] = stamp

    if header_value(work, HEADER_HOST) is None:
        # The SDK sends urlparse().netloc verbatim; userinfo never belongs in a Host header.
        added[HEADER_HOST] = parts.netloc.rpartition("@")[2]

    work.update(added)
    signed = signed_header_names(work)
    canonical = _join_canonical(
        method,
        canonical_uri(parts.path),
        canonical_query_string(parse_query_string(parts.query)),
        canonical_headers(work, signed),
        signed,
        hashed_payload(body, work),
    )
    added[HEADER_AUTHORIZATION] = authorization_header(ak, signed, signature(sk, string_to_sign(canonical, stamp)))
    return added


# --- server side ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    """Outcome of :func:`check_request`; ``reason`` is safe to show (it never contains the signature or SK)."""

    access_key: str | None
    reason: str

    @property
    def ok(self) -> bool:
        return self.access_key is not None


def check_request(
    method: str,
    path: str,
    query_string: str,
    headers: Mapping[str, str],
    body: bytes | str | None,
    lookup_secret: Callable[[str], str | None],
    now: datetime | None = None,
    max_skew_seconds: int = 900,
    *,
    required_signed: Iterable[str] = DEFAULT_REQUIRED_SIGNED,
    signed_if_present: Iterable[str] = DEFAULT_SIGNED_IF_PRESENT,
    allow_unsigned_payload: bool = False,
) -> SignatureCheck:
    """Check an ``SDK-HMAC-SHA256`` signature as a server receives the request, and say why it failed.

    ``path`` may be raw (``/a%20b``) or already percent-decoded (``/a b``); ``query_string`` is the raw query.
    Header names are matched case-insensitively and ``_`` equals ``-`` (WSGI folds both into ``HTTP_X_Y``).
    """
    lowered = _normalise_headers(headers)
    match = _AUTH_RE.match(lowered.get("authorization", ""))
    if match is None:
        return SignatureCheck(None, "missing or malformed SDK-HMAC-SHA256 Authorization header")
    access_key, sig = match["ak"], match["sig"].lower()
    signed = match["signed"].split(";")
    if any(not name or name != name.lower() for name in signed):
        return SignatureCheck(None, "malformed SignedHeaders")
    if "authorization" in signed:
        return SignatureCheck(None, "the Authorization header cannot sign itself")
    for name in required_signed:
        if name not in signed:
            return SignatureCheck(None, f"header {name} must be signed")
    for name in signed_if_present:
        if name in lowered and name not in signed:
            return SignatureCheck(None, f"header {name} is present but not signed")
    missing = [name for name in signed if _fold(name) not in lowered]
    if missing:
        return SignatureCheck(None, f"signed header {missing[0]} is missing")

    sent_at = parse_date(lowered.get("x-sdk-date", ""))
    if sent_at is None:
        return SignatureCheck(None, "X-Sdk-Date is missing or not YYYYMMDDTHHMMSSZ")
    current = now or datetime.now(UTC)
    if current.tzinfo is None:
        current = current.replace(tzinfo=UTC)
    if abs((current - sent_at).total_seconds()) > max_skew_seconds:
        return SignatureCheck(None, "X-Sdk-Date is too far from the server clock")

    body_hash = _received_hashed_payload(body, lowered, allow_unsigned_payload)
    if body_hash is None:
        return SignatureCheck(None, "the payload hash does not match the body")

    secret = lookup_secret(access_key)
    if not secret:
        return SignatureCheck(None, "unknown access key")

    headers_block = "".join(f"{name}:{_header_text(lowered[_fold(name)])}\n" for name in signed)
    uris = dict.fromkeys([canonical_uri(path), _canonical_uri_of_decoded(path)])
    queries = dict.fromkeys([canonical_query_string(parse_query_string(query_string)), query_string or ""])
    stamp = lowered["x-sdk-date"].strip()
    for uri in uris:
        for query in queries:
            canonical = _join_canonical(method, uri, query, headers_block, signed, body_hash)
            if hmac.compare_digest(signature(secret, string_to_sign(canonical, stamp)), sig):
                return SignatureCheck(access_key, "ok")
    return SignatureCheck(None, "signature does not match")


def verify_request(
    method: str,
    path: str,
    query_string: str,
    headers: Mapping[str, str],
    body: bytes | str | None,
    lookup_secret: Callable[[str], str | None],
    now: datetime | None = None,
    max_skew_seconds: int = 900,
    **options: object,
) -> str | None:
    """Access key of a validly signed request, else ``None`` (see :func:`check_request` for the reason)."""
    return check_request(
        method, path, query_string, headers, body, lookup_secret, now, max_skew_seconds, **options
    ).access_key


def wsgi_request_parts(environ: Mapping[str, object]) -> tuple[str, str, str, dict[str, str]]:
    """``(method, path, query_string, headers)`` of a WSGI environ (Django's ``request.META``).

    Prefers the raw request URI when the server provides one; otherwise rebuilds the path from PEP 3333's
    latin-1 ``PATH_INFO`` (the bytes were UTF-8).
    """
    method = str(environ.get("REQUEST_METHOD", "GET"))
    raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    query_string = str(environ.get("QUERY_STRING", ""))
    if isinstance(raw_uri, str) and raw_uri.startswith("/"):
        path, _, raw_query = raw_uri.partition("?")
        query_string = raw_query or query_string
    else:
        path = _latin1_to_utf8(str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", "")))
    headers: dict[str, str] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers[key[5:].replace("_", "-").lower()] = str(value)
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers[key.replace("_", "-").lower()] = str(value)
    if "host" not in headers and environ.get("SERVER_NAME"):
        port = str(environ.get("SERVER_PORT", ""))
        default = {"http": "80", "https": "443"}.get(str(environ.get("wsgi.url_scheme", "http")))
        headers["host"] = str(environ["SERVER_NAME"]) + ("" if port in ("", default) else f":{port}")
    return method, path, query_string, headers


def verify_wsgi_request(
    environ: Mapping[str, object],
    body: bytes | None,
    lookup_secret: Callable[[str], str | None],
    now: datetime | None = None,
    max_skew_seconds: int = 900,
    **options: object,
) -> str | None:
    method, path, query_string, headers = wsgi_request_parts(environ)
    return verify_request(method, path, query_string, headers, body, lookup_secret, now, max_skew_seconds, **options)


# --- helpers ----------------------------------------------------------------------------------------------------


def _to_bytes(body: bytes | str) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value whatever the case of its name (HTTP names are case-insensitive)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def _fold(name: str) -> str:
    return name.lower().replace("_", "-")


def _normalise_headers(headers: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in headers.items():
        name = key[5:] if key.upper().startswith("HTTP_") else key
        out[_fold(name)] = str(value)
    return out


def _latin1_to_utf8(text: str) -> str:
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _header_text(value: str) -> str:
    # The SDK signs the UTF-8 text but sends its bytes as latin-1, so servers see mojibake for non-ASCII values.
    return _latin1_to_utf8(value).strip()


def _received_hashed_payload(body: bytes | str | None, headers: Mapping[str, str], allow_unsigned: bool) -> str | None:
    if not body:
        return EMPTY_HASH
    actual = hashlib.sha256(_to_bytes(body)).hexdigest()
    declared = headers.get("x-sdk-content-sha256", "").strip()
    if not declared:
        return actual
    if declared == UNSIGNED_PAYLOAD:
        return declared if allow_unsigned else None
    # The SDK trusts a declared hash blindly; a server must not, or the body could be swapped under it.
    return declared if hmac.compare_digest(declared.lower(), actual) else None
