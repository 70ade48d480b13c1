"""Usage: python make_nb.py out.ipynb cells.py  -- cells separated by lines '# %%' ; '# %% parameters' tags the cell."""

import sys

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

out, src = sys.argv[1], open(sys.argv[2]).read()
cells = []
for chunk in src.split("# %%")[1:]:
    header, _, body = chunk.partition("\n")
    header = header.strip()
    body = body.strip("\n")
    if header.startswith("[markdown]"):
        cells.append(
            new_markdown_cell("\n".join(s[2:] if s.startswith("# ") else s.lstrip("#") for s in body.splitlines()))
        )
    else:
        c = new_code_cell(body)
        if header == "parameters":
            c.metadata["tags"] = ["parameters"]
        cells.append(c)
nb = new_notebook(
    cells=cells,
    metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    },
)
nbformat.write(nb, out)
