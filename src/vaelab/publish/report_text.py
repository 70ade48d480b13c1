"""The words of the report page: its title, the captions' fields, paths as the page shows them,
reStructuredText as HTML, the images' alt text."""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vaelab.publish.report_check import DATA_URI

if TYPE_CHECKING:
    from vaelab.publish.report import Figure

TITLE = "Autoencoders on handwritten digits"  # MNIST's; another dataset's: report_title


def report_title(dataset: str) -> str:
    """The page's title: the publication's on MNIST, the dataset's name on another."""
    return TITLE if dataset == "mnist" else f"Autoencoders on {dataset}"


def caption_words(classes, config: dict) -> dict:
    """What a caption may say of the run, as `snakemake --report` gives it: a figure rule's params
    (workflow/rules/figures.smk), e.g. {{ snakemake.params.class_noun }}, and the config."""
    params = {
        "class_noun": classes.noun,
        "class_names": list(classes.names),
        "outside_name": config.get("outside", {}).get("name"),
    }
    return {"params": params, "config": config}


def render_caption(text: str, words: dict) -> str:
    """A caption's Jinja fields filled as Snakemake's report fills them; an unknown field fails."""
    from types import SimpleNamespace

    import jinja2

    template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(text)
    snakemake = SimpleNamespace(params=SimpleNamespace(**words["params"]), config=words["config"])
    return template.render(snakemake=snakemake)


def optimizer_name(training: dict[str, dict]) -> str:
    """The optimiser: the config's when it names one, else the class that the training loop's
    optimiser factory returns, read from its source (importing torch for a word costs seconds)."""
    named = sorted({s["optimizer"] for s in training.values() if s.get("optimizer")})
    if named:
        return ", ".join(named)
    import ast

    import vaelab

    def functions(module):
        tree = ast.parse((Path(vaelab.__file__).parent / "train" / f"{module}.py").read_text())
        return {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}

    defs = functions("loop")
    made = [
        n.value.func.id
        for n in ast.walk(defs["train"])
        if isinstance(n, ast.Assign)
        and isinstance(n.value, ast.Call)
        and isinstance(n.value.func, ast.Name)
        and any(getattr(t, "id", "") == "optimizer" for t in n.targets)
    ]
    factory = defs.get(made[0]) or functions("device")[made[0]]  # the factory lives beside pick_device
    return ast.unparse(factory.returns).rsplit(".", 1)[-1]


# --- text helpers ----------------------------------------------------------------------
def relativise(text: str, roots: list[str]) -> str:
    """Replace absolute project paths by relative ones, leaving data URIs untouched."""
    parts = DATA_URI.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside data URIs
        for root in roots:
            parts[i] = parts[i].replace(root + "/", "").replace(root, ".")
    return "".join(parts)


def shown_path(value, roots: list[str]) -> str:
    """A path as the page shows it: relative to the project, or only its name when it lies outside."""
    text = relativise(str(value), roots)
    return f"…/{Path(text).name}" if Path(text).is_absolute() else text


def rst_to_html(text: str) -> str:
    """A caption's reStructuredText as an HTML fragment; warnings go to stderr (the rule's log)."""
    from docutils.core import publish_parts

    overrides = {
        "report_level": 2,
        "halt_level": 5,
        "warning_stream": sys.stderr,
        "file_insertion_enabled": False,
        "raw_enabled": False,
        "_disable_config": True,
        "initial_header_level": 4,
    }
    return publish_parts(text, writer="html", settings_overrides=overrides)["fragment"]


SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bcf\.)\s+")


def alt_text(fig: Figure, caption_rst: str | None) -> str:
    """What the image shows, for readers who cannot see it: the figure's title (or its caption's
    bold lead) and the caption's first sentence after it."""
    from docutils.core import publish_doctree

    text = ""
    if caption_rst:
        doc = publish_doctree(caption_rst, settings_overrides={"report_level": 5, "_disable_config": True})
        text = " ".join(doc.astext().split())
    sentences = SENTENCE_END.split(text) if text else []
    lead = fig.title or (sentences.pop(0) if sentences else fig.name.replace("_", " "))
    return f"{fig.label}: {lead.rstrip('.')}. {sentences[0] if sentences else ''}".strip()


def join_words(words: list[str]) -> str:
    """['AE', 'VAE', 'CVAE'] -> 'AE, VAE and CVAE'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1] if words else "none"


def data_uri(path: str | Path, mime: str) -> str:
    return f"data:{mime};base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")
