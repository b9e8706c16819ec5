"""The researcher's report (`annotator report`).

- `figures.build_report(store, ...)` computes every number the report shows, as one
  plain dict (what `annotator report --json` prints); the agreement section is exactly
  `annotator.agreement.report.compute_report` for the same options.
- `charts` draws the figures with matplotlib's SVG and PDF backends, from that dict.
- `page` renders the dict and the charts as one self-contained HTML file, with every
  piece of document text escaped.

No textual here: the core never imports the UI.
"""
