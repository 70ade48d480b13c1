# Figures: latent (see figures.smk for the pattern).
