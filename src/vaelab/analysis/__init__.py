"""Analysis: what the figures compute from trained models and their numbers."""
