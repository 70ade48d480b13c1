# Figures: recon (see figures.smk for the pattern).
