"""The docs hold together: every relative link leads to a file that exists, and the decisions' index
(docs/decisions/README.md) lists every decision."""

import re
from pathlib import Path

from django.conf import settings

DOCS = Path(settings.BASE_DIR) / "docs"
# [text](target): the target up to a closing parenthesis, a space (a title) or an anchor.
MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\(([^)\s#]*)[^)]*\)")


def relative_links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)  # code is not a link
    return [target for target in MARKDOWN_LINK.findall(text) if target and ":" not in target]


def test_every_relative_link_in_the_docs_leads_to_a_file():
    broken = [
        f"{path.relative_to(DOCS)}: {target}"
        for path in sorted(DOCS.rglob("*.md"))
        for target in relative_links(path)
        if not (path.parent / target).exists()
    ]
    assert not broken, "\n".join(broken)


def test_the_decisions_index_lists_every_decision():
    index = DOCS / "decisions" / "README.md"
    listed = set(relative_links(index))
    decisions = {path.name for path in (DOCS / "decisions").glob("[0-9]*.md")}
    assert decisions - listed == set()
    assert listed - decisions == set()


def test_the_link_reader_skips_addresses_anchors_and_code(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("[a](b.md) [c](https://x.y) [d](#top) [e](f.md#part)\n```\n[g](h.md)\n```\n")
    assert relative_links(page) == ["b.md", "f.md"]
