"""Importers of third-party data into gulag-kg (one module per data set)."""
