"""vaelab: autoencoders on handwritten digits, from raw data to a rendered report."""

__version__ = "0.1.0"
