"""Team campaigns: the roster, assignment of documents, queues, adaptive overlap,
the lead's view and fixed experimental conditions.

Everything here is pure (no SQL, no UI): the store's `team` room reads and writes the
rows, and these modules decide what they should be.
"""
