"""Dependencies run one way: servicedesk <- knowledge <- incidents <- problems <- changes.

An app may import an earlier one, never a later one; servicedesk imports no app outside
its composition root (settings.py, urls.py). This test reads every module's imports
(including those inside functions) and lists every import that points backwards."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORDER = ["servicedesk", "knowledge", "incidents", "problems", "changes"]
APPS = [app for app in ORDER if (ROOT / app / "__init__.py").exists()]
COMPOSITION_ROOT = {Path("servicedesk/settings.py"), Path("servicedesk/urls.py")}


def imported_packages(source: str) -> list[tuple[int, str]]:
    """(line, top-level package) for every import in the source, at any depth."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


def backward_imports(app: str, path: Path, source: str) -> list[str]:
    rank = ORDER.index(app)
    exempt = path in COMPOSITION_ROOT
    return [
        f"{path}:{line} imports {target}"
        for line, target in imported_packages(source)
        if target in ORDER and target != app and ORDER.index(target) > rank and not exempt
    ]


def test_the_apps_are_found():
    assert "servicedesk" in APPS and "incidents" in APPS


@pytest.mark.parametrize("app", APPS)
def test_no_app_imports_a_later_app(app):
    problems = []
    for file in sorted((ROOT / app).rglob("*.py")):
        path = file.relative_to(ROOT)
        problems += backward_imports(app, path, file.read_text(encoding="utf-8"))
    assert problems == [], "backward imports:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("app", "path", "source"),
    [
        ("servicedesk", "servicedesk/views.py", "from incidents.models import Incident"),
        ("servicedesk", "servicedesk/demo.py", "def f():\n    import incidents.demo\n"),
        ("incidents", "incidents/x.py", "from changes import services"),
        ("knowledge", "knowledge/x.py", "def f():\n    from problems.models import Problem\n"),
    ],
)
def test_a_backward_import_is_reported(app, path, source):
    assert len(backward_imports(app, Path(path), source)) == 1


@pytest.mark.parametrize(
    ("app", "path", "source"),
    [
        ("servicedesk", "servicedesk/urls.py", "from incidents import views"),
        ("servicedesk", "servicedesk/settings.py", "import incidents"),
        ("incidents", "incidents/x.py", "from servicedesk import roles\nfrom . import rules"),
        ("changes", "changes/x.py", "from problems.models import Problem\nimport incidents"),
    ],
)
def test_a_forward_or_composition_import_is_allowed(app, path, source):
    assert backward_imports(app, Path(path), source) == []


LATER_APP_NAMESPACES = ("incidents:", "portal:", "knowledge:", "problems:", "changes:")


def test_the_core_names_no_app_url_outside_its_composition_root():
    """Navigation, landing pages and the header are filled by the apps (workspaces
    registry), so neither servicedesk's modules nor the core templates name an app's URL."""
    named = []
    for file in sorted((ROOT / "servicedesk").rglob("*.py")):
        path = file.relative_to(ROOT)
        if path in COMPOSITION_ROOT or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and value.startswith(LATER_APP_NAMESPACES):
                named.append(f"{path}:{node.lineno} {value}")
    core_templates = [ROOT / "templates/base.html", *(ROOT / "templates/servicedesk").rglob("*")]
    for file in core_templates:
        text = file.read_text(encoding="utf-8") if file.is_file() else ""
        named += [f"{file.relative_to(ROOT)} {ns}" for ns in LATER_APP_NAMESPACES if ns in text]
    assert named == [], "the core names app URLs:\n" + "\n".join(named)


def test_the_core_templates_name_no_app_number_format():
    """The header's "go to number" box shows the placeholder an app registers."""
    core_templates = [ROOT / "templates/base.html", *(ROOT / "templates/servicedesk").rglob("*")]
    named = [
        str(file.relative_to(ROOT))
        for file in core_templates
        if file.is_file() and re.search(r"\b(?:INC|REQ)-\d", file.read_text(encoding="utf-8"))
    ]
    assert named == []
