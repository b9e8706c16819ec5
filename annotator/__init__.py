"""framing-annotator: annotate framing and loaded language in Indonesian news."""

__version__ = "0.1.0"
