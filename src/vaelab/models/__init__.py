"""Models: the AE, VAE and CVAE (autoencoders), their conv layers, and the digit classifier.

`from vaelab import models; models.build("vae", latent_dim=20, ...)` is the entry point the
notebooks use; the names below are those of `vaelab.models.autoencoders`."""

from vaelab.models.autoencoders import (  # noqa: F401
    AE,
    CVAE,
    MODELS,
    VAE,
    build,
    from_checkpoint,
    load,
    model_name,
    n_parameters,
    save,
)
