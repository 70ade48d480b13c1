# Figures: generation (see figures.smk for the pattern).
