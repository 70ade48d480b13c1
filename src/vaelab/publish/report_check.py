"""Checks on a built report page: what `check_report` finds wrong with index.html.

The `report` rule runs it after writing the page and fails rather than publish a broken
one; the smoke test of the DAG runs it too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from vaelab.publish.figures import project_root
from vaelab.publish.provenance import REQUIRED_KEYS

DATA_URI = re.compile(r"""(data:[^"'\s)]+)""")
# written beside the page by the `crate` rule, after the report: the page links to them before they exist
WRITTEN_LATER = ("ro-crate-metadata.json", "ro-crate-preview.html")


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.imgs, self.hrefs, self.ids = [], [], set()
        self.figures, self.provenance = [], {}  # figure names; name -> data-keys seen
        self.claim_rows, self._prov, self._depth, self._in_claims = 0, None, 0, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])
        if tag == "figure" and "data-name" in a:
            self.figures.append(a["data-name"])
        if tag == "details" and "provenance" in a.get("class", "").split():
            self._prov, self._depth = a.get("data-figure"), 0
            self.provenance.setdefault(self._prov, set())
        if self._prov is not None:
            if tag == "details":
                self._depth += 1
            if "data-key" in a:
                self.provenance[self._prov].add(a["data-key"])
        if tag == "table" and "claims" in a.get("class", "").split():
            self._in_claims = True
        if tag == "tr" and self._in_claims:
            self.claim_rows += 1

    def handle_endtag(self, tag):
        if self._prov is not None and tag == "details":
            self._depth -= 1
            if self._depth == 0:
                self._prov = None
        if tag == "table":
            self._in_claims = False


def check_report(
    index_html: str | Path, root: str | Path | None = None, written_later: tuple[str, ...] = WRITTEN_LATER
) -> list[str]:
    """Problems with a built report (empty when it is fine): every image embedded or present,
    every local link resolvable (but the files `written_later` beside it), every figure with a
    complete provenance block, a claims table, and no absolute path of the project on the page."""
    index_html = Path(index_html)
    text = index_html.read_text()
    scan = _Scan()
    scan.feed(text)
    problems = []
    for src in scan.imgs:
        if src.startswith("data:image/"):
            continue
        if src.startswith(("/", "file:", "http:", "https:")) or not (index_html.parent / src).exists():
            problems.append(f"image {src[:80]!r} is neither embedded nor a file beside the report")
    for href in scan.hrefs:
        if href.startswith("#"):
            if href[1:] not in scan.ids:
                problems.append(f"link {href} points to no element")
        elif href.startswith(("data:", "http:", "https:", "mailto:")) or href in written_later:
            continue
        elif href.startswith(("/", "file:")) or not (index_html.parent / href.split("#")[0]).exists():
            problems.append(f"link {href!r} does not resolve inside the report folder")
    if not scan.figures:
        problems.append("no figure in the report")
    for name in scan.figures:
        keys = scan.provenance.get(name)
        if keys is None:
            problems.append(f"figure {name} has no provenance block")
            continue
        lacking = [k for k in REQUIRED_KEYS if k not in keys]
        if lacking:
            problems.append(f"figure {name}: provenance block lacks {', '.join(lacking)}")
    if scan.claim_rows < 2:  # header + at least one claim
        problems.append("no claims table")
    root = Path(root or project_root())
    outside_data = "".join(DATA_URI.split(text)[::2])
    for r in {str(root), str(root.resolve())}:
        if r != "/" and r in outside_data:
            problems.append(f"absolute path {r} appears in the report")
    return problems
