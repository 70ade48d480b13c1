"""Comments that point into docs/performance.md name a section that exists; the code points to
the decisions there, never into benchmarks/README.md (a guide to running the benchmarks)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PERFORMANCE = ROOT / "docs" / "performance.md"
# what the code, the workflow and its settings are made of; the tests, benchmarks and README also point here
CODE = ("src", "workflow", "config", "profiles", "Snakefile", "Makefile")
POINTERS = (*CODE, "tests", "benchmarks", "README.md")
ANCHOR = re.compile(r"docs/performance\.md#([\w-]+)")


def slug(heading: str) -> str:
    """A Markdown heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to '-'."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    return {slug(line[3:]) for line in markdown.splitlines() if line.startswith("## ")}


def files(*names: str):
    for name in names:
        path = ROOT / name
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        for f in candidates:
            if f.is_file() and "__pycache__" not in f.parts and ".egg-info" not in str(f):
                try:
                    yield f, f.read_text()
                except UnicodeDecodeError:
                    continue


def test_slug_as_github_makes_it():
    assert slug("Batches gathered with index_select") == "batches-gathered-with-index_select"
    assert slug("t-SNE Barnes-Hut angle") == "t-sne-barnes-hut-angle"
    assert slug("Not adopted: a compiled or hand-written training step") == (
        "not-adopted-a-compiled-or-hand-written-training-step"
    )
    assert anchors("# Title\n## One decision\ntext ## not a heading\n### Detail\n") == {"one-decision"}


def test_every_pointer_into_performance_md_names_a_section():
    sections = anchors(PERFORMANCE.read_text())
    pointers = {
        (str(f.relative_to(ROOT)), anchor)
        for f, text in files(*POINTERS)
        if f != Path(__file__)
        for anchor in ANCHOR.findall(text)
    }
    assert pointers, "no code points into docs/performance.md: the test checks nothing"
    missing = sorted((f, a) for f, a in pointers if a not in sections)
    assert not missing, f"pointers to sections docs/performance.md does not have: {missing}"


@pytest.mark.parametrize("name", CODE)
def test_the_code_does_not_point_into_the_benchmarks_readme(name):
    stale = [str(f.relative_to(ROOT)) for f, text in files(name) if "benchmarks/README" in text]
    assert not stale, f"point to a decision in docs/performance.md instead: {stale}"


def test_each_decision_in_performance_md_is_one_section():
    text = PERFORMANCE.read_text()
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert len({slug(h) for h in headings}) == len(headings), "two sections with the same anchor"
    for heading in headings:
        body = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
        for part in ("**Decided.**", "**Why.**", "**Measured.**", "**Now.**"):
            assert part in body, f"section {heading!r} lacks {part}"
