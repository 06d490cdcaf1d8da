"""Encryption at rest for the secrets targets keep (an SK, an IAM password, a token).

Fernet (AES-128-CBC + HMAC-SHA256) from the `cryptography` package. The key is
CDMWEB_SECRETS_KEY when set (a Fernet key: 32 url-safe base64 bytes), else one derived from
DJANGO_SECRET_KEY, so a database copy alone never reveals a secret. Keys listed in
CDMWEB_SECRETS_OLD_KEYS still decrypt, for rotation.
"""

from __future__ import annotations

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretUnreadable(Exception):
    """The stored secret cannot be decrypted with the configured keys."""


def _derived_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"cdmweb target secrets", info=b"fernet")
    return base64.urlsafe_b64encode(hkdf.derive(secret_key.encode()))


@cache
def _fernet(primary: str, old: str, secret_key: str) -> MultiFernet:
    keys = [primary.encode() if primary else _derived_key(secret_key)]
    keys += [key.strip().encode() for key in old.split(",") if key.strip()]
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(settings.CDMWEB_SECRETS_KEY, settings.CDMWEB_SECRETS_OLD_KEYS, settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    return _current().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("the stored secret cannot be decrypted with the configured key") from exc
