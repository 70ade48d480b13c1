"""Data: reading and verifying the IDX files, the split, masks of missing pixels."""
