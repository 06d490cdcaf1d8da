"""Sessions that check whom they connect to: after the socket connects and before a byte is sent
(TLS handshake included), the peer's address must be allowed. A check of the URL alone is not
enough: a name can resolve to a public address when it is checked and to a private one a moment
later, when the connection is made."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

logger = logging.getLogger("cdmweb.cdm")

# (host as named in the URL, address connected to) -> whether this connection may be used.
AddressRule = Callable[[str, str], bool]


def guarded_session(allowed: AddressRule) -> requests.Session:
    session = requests.Session()
    adapter = _GuardedAdapter(allowed)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, allowed: AddressRule, **kwargs: Any) -> None:
        self._allowed = allowed
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        allowed = self._allowed

        class Checked:
            def _new_conn(self) -> socket.socket:
                sock = super()._new_conn()  # type: ignore[misc]
                host, address = self.host, sock.getpeername()[0]  # type: ignore[attr-defined]
                if not allowed(host, address):
                    sock.close()
                    logger.warning("refused to talk to %s: it is at %s, an address not allowed", host, address)
                    raise NewConnectionError(self, f"{host} is at an address targets may not reach")  # type: ignore[arg-type]
                return sock

        class CheckedHttp(Checked, HTTPConnection):
            pass

        class CheckedHttps(Checked, HTTPSConnection):
            pass

        class HttpPool(HTTPConnectionPool):
            ConnectionCls = CheckedHttp

        class HttpsPool(HTTPSConnectionPool):
            ConnectionCls = CheckedHttps

        self.poolmanager.pool_classes_by_scheme = {"http": HttpPool, "https": HttpsPool}
