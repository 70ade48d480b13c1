# Figures: robustness (see figures.smk for the pattern).
