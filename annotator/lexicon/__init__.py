"""The lexicon engine: morphology-aware pre-suggestions for Indonesian loaded language.

- `entries`: the lexicon CSV format, validation with file:line errors, writing.
- `phrase`: the phrase syntax (`~stem` words, `(a|b)` groups, `...` gaps).
- `stemming`: Sastrawi behind a dict cache of distinct lower-cased tokens.
- `matcher`: the compiled lexicon (token and chunk caches, a phrase trie).
- `quotes`: quotation marks, the `quoted` flag and the scare-quote detector.
- `suggest`: suggestions for sentences, at import and with `annotator suggest`.
- `feedback`: per-entry precision from reviewers' decisions, and candidate entries.

Nothing here imports Textual, and only `annotator.store` touches the database.
"""
