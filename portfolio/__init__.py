"""vae-portfolio: turn logged work experience into VAE pre-validation portfolios."""

__version__ = "0.1.0"
