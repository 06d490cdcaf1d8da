"""Where a target may send requests: scheme, host and port only, to hosts the operator allows.

A target's endpoint is typed by a team admin, and the server then sends requests there, with the
target's credentials. Without a rule, that is a way to make the server fetch its own loopback
services or the cloud's metadata address (169.254.169.254) and show the answer. So an endpoint is
``https://host[:port]`` and nothing more; its host must match ``CDMWEB_TARGET_HOSTS`` (patterns;
"*" by default); and, unless a pattern names it exactly, it must be a public address (loopback
only for the built-in sandbox, or with DEBUG on). Checked when a target is saved, and again before
every request, so a target saved before the rule, or a name that now resolves elsewhere, is
refused too.
"""

from __future__ import annotations

import ipaddress
import socket
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from django.conf import settings

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def endpoint_problem(url: str, *, sandbox: bool = False) -> str:
    """Why ``url`` may not be a target's endpoint, in words for the form; "" when it may."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "This is not a valid URL."
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return "Give the endpoint as https://host or https://host:port."
    if parts.username is not None or parts.password is not None:
        return "No user name or password in the URL: the target's credentials are set apart."
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "Only the scheme, host and port: no path, query or fragment (cdmweb adds CDM's paths itself)."
    host = parts.hostname.lower().rstrip(".")
    patterns = [p.strip().lower() for p in settings.CDMWEB_TARGET_HOSTS if p.strip()]
    if not any(fnmatchcase(host, pattern) for pattern in patterns):
        return f"{host} is not among the hosts targets may use (CDMWEB_TARGET_HOSTS: {', '.join(patterns)})."
    named_exactly = host in patterns
    loopback_ok = sandbox or settings.DEBUG
    addresses = _addresses(host, port or (443 if parts.scheme == "https" else 80))
    for address in addresses:
        if address.is_loopback and loopback_ok or named_exactly:
            continue
        if not address.is_global:
            return f"{host} is a private, loopback or link-local address ({address}); targets reach public hosts only."
    if parts.scheme == "http" and not (addresses and all(a.is_loopback for a in addresses) and loopback_ok):
        return "Use https: the target's credentials must not travel in clear text."
    return ""


def _addresses(host: str, port: int) -> list[IpAddress]:
    """The addresses ``host`` stands for: itself when it is one, else what it resolves to now
    (nothing when it does not resolve: then nothing can be reached there either)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in found]
