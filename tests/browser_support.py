"""Playwright fixtures and helpers shared by the browser tests (tests/browser/).

Fixtures are used by importing them into a test module, for example::

    from ..browser_support import browser_fixture, fast_passwords  # noqa: F401  (pytest finds them by name)

Importing keeps them scoped to the modules that need a browser: ``fast_passwords`` is autouse, and
registering this file as a plugin instead would switch the hasher for every test in the suite.
The module-scoped ``browser`` is still launched once per importing module, as before. It is
defined as ``browser_fixture`` with ``name="browser"`` so that importing it does not clash (F811)
with the ``browser`` parameters of the fixtures and tests that use it.
"""

from __future__ import annotations

import os
import re

# Playwright's sync API keeps an event loop in this thread; the ORM calls in the tests are still
# synchronous. Django reads the variable at call time, so setting it on import is early enough.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect, sync_playwright

REPO_ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "owner-pass-1234"  # the ``owner`` fixture's password (tests/conftest.py)
TIMEOUT_MS = 10_000


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    # Autouse runs before ``owner`` is created: a cheap hasher keeps the logins fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- helpers --------------------------------------------------------------------------------


@contextmanager
def logged_in_page(
    browser: Browser,
    live_server,
    viewport: ViewportSize,
    *,
    javascript: bool = True,
    username: str = "owner",
    password: str = PASSWORD,
) -> Iterator[Page]:
    """A page in a fresh browser context (its own cookies), logged in; closed afterwards."""
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript, viewport=viewport)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        login(page, username, password)
        yield page
    finally:
        context.close()


def login(page: Page, username: str = "owner", password: str = PASSWORD) -> None:
    """Log in through the real login form (``owner`` by default)."""
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My drafts")).to_be_visible()


def menu_link(page: Page, name: str | re.Pattern[str]) -> Locator:
    """A link of the main menu, with the menu opened first where it is folded (below 992 px); a
    pattern for a link whose name carries a count ("Reviews 1")."""
    # Found by its element, not its accessible name: the name is translated ("主菜单").
    link = page.locator("nav").first.get_by_role("link", name=name, exact=isinstance(name, str))
    if not link.is_visible():
        page.locator("label[for=menu-toggle]").click()
    return link


def save_screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """A screenshot in test-artifacts/ (the full page, or what the window shows), for a person to
    look at after the run."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)


# --- accessibility ----------------------------------------------------------------------------

# axe-core comes from npm (package.json's devDependencies, installed by scripts/setup-env) and only
# ever reaches a page here: it is no static file, so no user is sent it.
AXE_SOURCE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What fails a test; "moderate" and "minor" findings are printed, not failed on.
AXE_FAILING_IMPACTS = ("serious", "critical")


def axe_violations(page: Page, context: str | dict[str, list[list[str]]] | None = None) -> list[dict]:
    """Every axe-core violation on the page as it is now (``context``: axe's include/exclude).

    The script is evaluated through the DevTools protocol, which the page's Content-Security-Policy
    does not apply to (a ``<script>`` tag with inline code would be refused by it)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {AXE_SOURCE.read_text()}\n}}")
    return page.evaluate(
        """async (context) => {
            const results = await window.axe.run(context || document, {resultTypes: ["violations"]});
            return results.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map((node) => node.target.join(" ")),
                why: v.nodes.map((node) => [...node.any, ...node.all, ...node.none].map((c) => c.message).join("; ")),
            }));
        }""",
        context,
    )


def describe_violations(violations: list[dict]) -> str:
    return "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['targets'])})\n"
        + "\n".join(f"      {target}: {why}" for target, why in zip(v["targets"], v["why"], strict=True))
        for v in violations
    )


def assert_accessible(page: Page, context: str | dict[str, list[list[str]]] | None = None) -> list[dict]:
    """Fail on any serious or critical axe-core violation, naming each with its rule, impact, help
    and the elements concerned. Returns every violation found (the milder ones too)."""
    violations = axe_violations(page, context)
    failing = [v for v in violations if v["impact"] in AXE_FAILING_IMPACTS]
    assert not failing, f"accessibility violations on {page.url}:\n{describe_violations(failing)}"
    return violations


# What a Chinese page may still show in Latin letters is names, codes and values: the text the
# user reads, less what is verbatim (code, the preview, values in fields) or marked with its own lang.
_SHOWN_TEXT = """() => {
    const main = document.querySelector('main').cloneNode(true);
    const verbatim = 'pre, code, kbd, samp, var, script, style, textarea, select, [lang], [translate=no]';
    main.querySelectorAll(verbatim + ', [hidden], .d-none').forEach(e => e.remove());
    document.body.appendChild(main);
    main.style.position = 'absolute';
    const text = main.innerText;
    main.remove();
    return text;
}"""


# Products the Chinese documentation names in Latin letters, as the catalogue's help quotes it.
PRODUCT_NAMES = frozenset({"Hive", "HBase", "Oracle", "Kafka", "Redis", "Elasticsearch", "Hadoop", "Apache"})


def english_shown(page: Page, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The English words a page's main region shows, each with the text around it; names and codes
    are excepted (the template rule's ``is_name``), and so are the words a test knows are data (a
    draft's name, a user's name)."""
    from .template_text import WORD, is_name

    text = " ".join(page.evaluate(_SHOWN_TEXT).split())
    return [
        f"{word[0]} in «{text[max(0, word.start() - 30) : word.end() + 30]}»"
        for word in WORD.finditer(text)
        if not is_name(word[0]) and word[0].strip(".:,;()'’") not in allowed | PRODUCT_NAMES
    ]
