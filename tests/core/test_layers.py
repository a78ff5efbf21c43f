"""The layers: core < registry < ratings, platforms < procurement < reports. A lower app never imports
a higher one (a higher app contributes through a hook the lower one offers), and ratings and platforms,
side by side, never import each other. Read from every module's imports, function-level ones included."""

import ast
from pathlib import Path

from django.conf import settings

LAYERS = {
    "core": 0,
    "registry": 1,
    "jobs": 1,
    "ratings": 2,
    "platforms": 2,
    "supervision": 2,
    "procurement": 3,
    "evaluations": 3,
    "reports": 4,
    "public": 5,
    "integration": 5,
}


def imported_apps(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names} & LAYERS.keys()


def forbidden(importer: str, imported: str) -> bool:
    return LAYERS[imported] > LAYERS[importer] or (LAYERS[imported] == LAYERS[importer] and imported != importer)


def layer_violations() -> set[tuple[str, str, str]]:
    found = set()
    for app in LAYERS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            for imported in imported_apps(path):
                if forbidden(app, imported):
                    found.add((app, imported, str(path.relative_to(settings.BASE_DIR))))
    return found


def test_no_app_imports_a_higher_or_sibling_app():
    found = sorted(layer_violations())
    assert not found, "\n".join(f"{path}: {app} imports {imported}" for app, imported, path in found)


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from reports.selectors import x\nimport ratings.api.serializers\n")
    assert imported_apps(module) == {"reports", "ratings"}
    assert forbidden("core", "reports") and forbidden("ratings", "platforms")
    assert not forbidden("reports", "core") and not forbidden("registry", "registry")
