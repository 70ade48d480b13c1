"""Training: the loop, its losses, progress lines and history."""
