"""The README stands on its own: every link it makes points inside the repository, and exists."""

import re

from tests.conftest import REPO


def test_readme_links_only_to_files_in_the_repository() -> None:
    text = (REPO / "README.md").read_text()
    targets = re.findall(r"\]\(([^)#\s]+)", text) + re.findall(r"`((?:\.\./|docs/|bench/)[^`\s]*)`", text)
    for target in targets:
        if target.startswith(("http://127.0.0.1", "http://localhost")):
            continue
        assert "://" not in target, f"README links outside the repository: {target}"
        path = (REPO / target).resolve()
        assert path.is_relative_to(REPO.resolve()), f"README points outside the repository: {target}"
        assert path.exists(), f"README points to a missing file: {target}"
    assert "../" not in text
