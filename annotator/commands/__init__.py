"""Click commands, one module per capability. `annotator.cli` assembles them."""
