"""pma-eval — evaluation and foresight workbench of the Pôle métropolitain de l'Artois."""

__version__ = "0.1.0"
