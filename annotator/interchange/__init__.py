"""Interchange: export labelled data, import annotations, merge project databases.

Core code: no UI imports. `formats` holds the column contracts (the CSV columns and
the spreadsheet escaping are defined once in `annotator.store.csv_format`, with the
export SQL), `bio` the BIO tagging, `export` the streaming writers,
`importing` the validated import of annotations, and `merge` the merge of project
databases. All SQL stays in `annotator.store`.
"""
