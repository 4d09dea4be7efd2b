"""The layout's promises: the pure packages import nothing from Django, the ORM or settings."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

PURE_PACKAGES = ["matching/scoring", "matching/algorithms"]
FORBIDDEN_ROOTS = {"django", "rest_framework", "celery", "accounts", "mentorship", "allauth", "drf_spectacular"}
# Within ``matching`` only the pure packages themselves may be imported.
ALLOWED_MATCHING = ("matching.scoring", "matching.algorithms")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names if node.module == "matching")
    return names


@pytest.mark.parametrize("package", PURE_PACKAGES)
def test_pure_package_imports_nothing_from_django_or_the_apps(package: str) -> None:
    files = sorted((REPO / package).rglob("*.py"))
    assert files, f"{package} has no modules"
    offences = []
    for path in files:
        for module in imported_modules(path):
            root = module.split(".")[0]
            if root in FORBIDDEN_ROOTS or (root == "matching" and not module.startswith(ALLOWED_MATCHING)):
                offences.append(f"{path.relative_to(REPO)} imports {module}")
    assert offences == []


def test_matching_root_holds_only_conventional_modules_and_packages() -> None:
    conventional = {
        "__init__", "admin", "apps", "api", "filters", "forms", "middleware", "models", "permissions", "serializers",
        "services", "signals", "tasks", "urls", "views",
    }  # fmt: skip
    root = REPO / "matching"
    modules = {p.stem for p in root.glob("*.py")}
    assert modules - conventional == set()
