"""One module per figure: `vaelab.figures.<name>` holds the figure's computation.

Each has `compute(...)`, which takes loaded inputs and the figure's settings and returns a
dataclass whose fields are exactly the figure's numbers (its JSON). The notebook of the same
name loads the inputs, calls `compute`, draws and saves; the shape the numbers are checked
against (vaelab.publish.numbers) is derived from the dataclass (vaelab.figures.result).
"""
