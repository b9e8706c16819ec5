"""Curating several annotators' work into a gold standard (stored under the name `gold`)."""
