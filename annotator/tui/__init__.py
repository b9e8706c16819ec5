"""The Textual terminal UI. The only package that may import textual."""
