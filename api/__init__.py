"""Thin shells over the query layer: the command line (``cli``) and the HTTP service."""
