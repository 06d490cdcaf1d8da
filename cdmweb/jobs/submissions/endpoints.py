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
from collections.abc import Callable
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def endpoint_problem(url: str, *, sandbox: bool = False, resolve: bool = True) -> str:
    """Why ``url`` may not be a target's endpoint, in words for the form; "" when it may.
    ``resolve=False`` looks up no name (an address literal is still checked): for a client about
    to connect, whose connection is checked anyway (``connection_rule``)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("This is not a valid URL.")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return _("Give the endpoint as https://host or https://host:port.")
    if parts.username is not None or parts.password is not None:
        return _("No user name or password in the URL: the target's credentials are set apart.")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return _("Only the scheme, host and port: no path, query or fragment (cdmweb adds CDM's paths itself).")
    host = parts.hostname.lower().rstrip(".")
    patterns = _patterns()
    if not any(fnmatchcase(host, pattern) for pattern in patterns):
        return _("%(host)s is not among the hosts targets may use (CDMWEB_TARGET_HOSTS: %(patterns)s).") % {
            "host": host,
            "patterns": ", ".join(patterns),
        }
    loopback_ok = sandbox or settings.DEBUG
    default_port = 443 if parts.scheme == "https" else 80
    addresses = _addresses(host, port or default_port, resolve=resolve)
    if any(not address_allowed(host, str(address), loopback_ok=loopback_ok) for address in addresses):
        # Which address is not said: a team admin must not learn the inside of the network this way.
        return _("%(host)s is a private, loopback or link-local address; targets reach public hosts only.") % {
            "host": host
        }
    # The built-in sandbox's name (CDM_SANDBOX_URL, set by the operator) when it was not looked up.
    unlooked = sandbox and not resolve and not addresses
    loopback_only = addresses and all(a.is_loopback for a in addresses) and loopback_ok
    if parts.scheme == "http" and not (loopback_only or unlooked):
        return _("Use https: the target's credentials must not travel in clear text.")
    return ""


def connection_rule(*, sandbox: bool = False) -> Callable[[str, str], bool]:
    """The rule a connection is held to once made (``cdm.guard``): the address it reached."""
    loopback_ok = sandbox or settings.DEBUG
    return lambda host, address: address_allowed(host, address, loopback_ok=loopback_ok)


def address_allowed(host: str, address: str, *, loopback_ok: bool) -> bool:
    """Whether a connection to ``host`` may go to ``address``: a public one; loopback when allowed
    (the sandbox, DEBUG); anything when the operator named the host exactly."""
    if host.lower().rstrip(".") in _patterns():
        return True
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        ip = embedded
    return ip.is_global or (loopback_ok and ip.is_loopback)


def _embedded_ipv4(ip: IpAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, compatible, 6to4, NAT64, Teredo): where it leads."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64 or (ip in IPV4_COMPATIBLE and int(ip) > 1):  # ::a9fe:a9fe, not :: or ::1
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _patterns() -> list[str]:
    return [p.strip().lower().rstrip(".") for p in settings.CDMWEB_TARGET_HOSTS if p.strip()]


def _addresses(host: str, port: int, *, resolve: bool = True) -> list[IpAddress]:
    """The addresses ``host`` stands for: itself when it is one, else what it resolves to now
    (nothing when it does not resolve: then nothing can be reached there either)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    if not resolve:
        return []
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in found]
