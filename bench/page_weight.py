#!/usr/bin/env python
"""First page load weight: the CSS and JS a first visit downloads, as served (raw and gzip, the
encoding whitenoise precompresses for production), for the login page (a first visit) and the
designer (the heaviest page). Goal: under 250 KB each, counted uncompressed.

    .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import gzip
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_BYTES = 250 * 1024


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdmweb.settings")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.contrib.staticfiles import finders
    from django.test import Client

    html = Client().get("/accounts/login/").content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    # The designer, the heaviest page, adds scripts of its own (its extrahead block) to the same base.
    designer = (ROOT / "templates" / "jobs" / "designer.html").read_text(encoding="utf-8")
    extrahead = re.search(r"\{% block extrahead %\}(.*?)\{% endblock %\}", designer, re.S)
    designer_assets = re.findall(r"\{% static '([^']+\.(?:css|js))' %\}", extrahead.group(1) if extrahead else "")
    failed = False
    for page, page_assets in (("login (the first load)", assets), ("designer", assets + designer_assets)):
        total_raw = total_gzip = 0
        print(f"\n{page}\n{'asset':<40} {'bytes':>9} {'gzip':>9}")
        for asset in page_assets:
            data = Path(finders.find(asset)).read_bytes()
            packed = len(gzip.compress(data, compresslevel=9))
            total_raw += len(data)
            total_gzip += packed
            print(f"{asset:<40} {len(data):>9,} {packed:>9,}")
        print(f"{'total (CSS + JS)':<40} {total_raw:>9,} {total_gzip:>9,}")
        # The stricter reading of the goal: the bytes as stored, before any compression on the wire.
        verdict = "PASS" if total_raw < GOAL_BYTES else "FAIL"
        failed = failed or verdict == "FAIL"
        print(
            f"goal: under {GOAL_BYTES:,} bytes uncompressed: {verdict} ({total_raw / 1024:.0f} KB; "
            f"{total_gzip / 1024:.0f} KB transferred with gzip)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
