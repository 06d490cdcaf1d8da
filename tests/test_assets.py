"""The Bootstrap we build from Sass (assets/bootstrap.scss) keeps every class our pages use."""

import re
from pathlib import Path

import crispy_bootstrap5
from django.conf import settings
from django.contrib.staticfiles import finders

CLASS_NAME = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


def _classes_defined(css: str) -> set[str]:
    return set(CLASS_NAME.findall(css))


# crispy's Accordion and Modal layout objects need Bootstrap's JavaScript, which no page loads.
UNUSED_CRISPY_TEMPLATES = {"accordion.html", "accordion-group.html", "modal.html"}


def _classes_used(template_dirs: list[Path]) -> dict[str, str]:
    used: dict[str, str] = {}
    for directory in template_dirs:
        for path in directory.rglob("*.html"):
            if path.name in UNUSED_CRISPY_TEMPLATES:
                continue
            for attribute in re.findall(r'class="([^"]*)"', path.read_text(encoding="utf-8")):
                # Names assembled by template tags (alert-{{ tag }}) are left out: their parts are not
                # class names. The pages' other classes are checked whole.
                for name in re.sub(r"\{[%{].*?[%}]\}", " ", attribute).split():
                    used.setdefault(name, str(path))
    return used


def test_every_bootstrap_class_a_template_uses_is_in_our_build():
    ours = _classes_defined(Path(finders.find("bootstrap/css/bootstrap.min.css")).read_text(encoding="utf-8"))
    full_build = Path(settings.BASE_DIR) / "node_modules" / "bootstrap" / "dist" / "css" / "bootstrap.min.css"
    bootstrap = _classes_defined(full_build.read_text(encoding="utf-8"))
    crispy_templates = Path(crispy_bootstrap5.__file__).parent / "templates"
    used = _classes_used([Path(settings.BASE_DIR) / "templates", crispy_templates])
    python_sources = "".join(p.read_text(encoding="utf-8") for p in (Path(settings.BASE_DIR) / "cdmweb").rglob("*.py"))
    # Classes the scripts set, and the layout classes the forms name in Python.
    scripts = "".join(p.read_text(encoding="utf-8") for p in (Path(settings.BASE_DIR) / "static").rglob("*.js"))
    for names in re.findall(r'(?:classList\.(?:add|toggle|remove)\(|className = )"([^"]+)"', scripts) + re.findall(
        r'css_class="([^"]+)"', python_sources
    ):
        for name in names.split():
            used.setdefault(name, "static/ or cdmweb/")
    assert not re.search(r"\b(Accordion|AccordionGroup|Modal)\(", python_sources)
    assert {"navbar", "btn-primary", "alert-danger", "progress-bar-animated", "spinner-border"} <= set(used)
    dropped = {name: where for name, where in used.items() if name in bootstrap and name not in ours}
    assert dropped == {}


def test_our_build_is_smaller_than_bootstrap_in_full():
    ours = Path(finders.find("bootstrap/css/bootstrap.min.css"))
    full_build = Path(settings.BASE_DIR) / "node_modules" / "bootstrap" / "dist" / "css" / "bootstrap.min.css"
    assert ours.parent.parent.name == "bootstrap" and "build" in ours.parts
    assert ours.stat().st_size < full_build.stat().st_size * 0.8


def test_axe_core_is_installed_for_the_browser_tests_but_never_served():
    """axe-core (npm, a devDependency) is read from node_modules by tests/browser_support.py; no
    static file, template or script of ours names it, so no user is ever sent it."""
    import json

    package = json.loads((Path(settings.BASE_DIR) / "package.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d+\.\d+\.\d+", package["devDependencies"]["axe-core"])  # pinned exactly
    assert (Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js").is_file()
    assert finders.find("axe-core/axe.min.js") is None and finders.find("axe.min.js") is None
    script = re.compile(r"axe(\.min)?\.js|axe-core/")
    files = [p for folder in ("templates", "static") for p in (Path(settings.BASE_DIR) / folder).rglob("*")]
    naming = [p for p in files if p.is_file() and script.search(p.read_text("latin-1"))]
    assert naming == []
