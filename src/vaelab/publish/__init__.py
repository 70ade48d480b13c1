"""Publishing: notebooks run with provenance, claims, the report."""
