"""The README and the guides in docs/ link to each other and to files of the project; a page
that moves or a heading that is renamed must not leave a dead link behind."""

import re
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
PAGES = [
    PROJECT_DIR / "README.md",
    PROJECT_DIR / "CONTRIBUTING.md",
    PROJECT_DIR / "CHANGELOG.md",
    *sorted((PROJECT_DIR / "docs").glob("*.md")),
]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def heading_anchors(page: Path) -> set[str]:
    """GitHub's anchors: the heading lower-cased, punctuation but - and _ dropped, spaces as -."""
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    headings = re.findall(r"^#+ (.+)$", text, flags=re.M)
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings
    }


def relative_links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    return [link for link in LINK.findall(text) if not re.match(r"[a-z]+:", link)]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_reaches_a_file_and_heading(page):
    dead = []
    for link in relative_links(page):
        path, _, anchor = link.partition("#")
        target = (page.parent / path).resolve() if path else page
        if not target.exists():
            dead.append(f"{link}: no file {target}")
        elif anchor and target.suffix == ".md" and anchor not in heading_anchors(target):
            dead.append(f"{link}: no heading with anchor #{anchor} in {target.name}")
    assert not dead, f"{page.name} has dead links:\n" + "\n".join(dead)


def test_the_readme_stays_a_front_page_that_links_every_guide():
    readme = PROJECT_DIR / "README.md"
    assert len(readme.read_text().splitlines()) <= 150
    linked = {Path(link.partition("#")[0]).name for link in relative_links(readme)}
    guides = {page.name for page in PAGES[1:]}
    assert guides <= linked, f"guides not linked from README.md: {sorted(guides - linked)}"
