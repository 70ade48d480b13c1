"""Facts shared across the package, importable without torch (notebooks that only draw
numbers then start in a second instead of four)."""

IMAGE_SIDE = 28
IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE
N_CLASSES = 10
