from __future__ import annotations

from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.core.management.base import CommandError


def read_source(path: str, stdin: TextIO) -> str:
    """The text of PATH (or stdin for "-"), refusing what is unreadable or too big, exit 2."""
    limit = settings.CDMWEB_MAX_IMPORT_BYTES
    try:
        if path == "-":
            text = stdin.read(limit + 1)
        else:
            file = Path(path)
            if not file.is_file():
                raise CommandError(f"{path}: no such file", returncode=2)
            if file.stat().st_size > limit:
                raise CommandError(f"{path}: larger than the {limit:,}-byte limit", returncode=2)
            text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text", returncode=2) from exc
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}", returncode=2) from exc
    if len(text) > limit:
        raise CommandError(f"input larger than the {limit:,}-byte limit", returncode=2)
    return text
