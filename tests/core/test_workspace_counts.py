"""The trigger-kept corpus counts (migration m004) match the tables they count."""

from __future__ import annotations

from annotator.corpus_import import Importer
from annotator.resources import sample_paths
from tests.workspace_corpus import add_document


def _counted(store):
    return store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0], store.conn.execute(
        "SELECT COUNT(*) FROM sentences"
    ).fetchone()[0]


def test_counts_follow_imports(store):
    assert store.corpus.sentence_total() == 0 and store.corpus.document_seq_range() == (0, 0, 0)
    Importer(store).run(sample_paths())
    documents, sentences = _counted(store)
    assert store.corpus.sentence_total() == sentences > 0
    assert store.corpus.document_seq_range()[0] == documents == 3
    add_document(store, "extra", ["Satu.", "Dua."])
    assert store.corpus.sentence_total() == sentences + 2
    assert store.corpus.document_seq_range() == (4, 1, 4)


def test_counts_of_an_existing_project_are_taken_when_the_migration_runs(tmp_path, tagset):
    from sqlite_utils import Database

    from annotator import migrations
    from annotator.store import Store

    path = tmp_path / "old.db"
    db = Database(path)
    migrations.migrations.apply(db, stop_before="m004_workspace_corpus_counts")
    db.execute(
        "INSERT INTO documents (id, text, content_hash, sentence_count, token_count, imported_at)"
        " VALUES ('a', 'Satu. Dua.', 'h', 2, 4, '2026-01-01T00:00:00.000Z')"
    )
    for index, (start, end, text) in enumerate([(0, 5, "Satu."), (6, 10, "Dua.")]):
        db.execute(
            "INSERT INTO sentences (document_id, idx, doc_start, doc_end, text, tokens) VALUES (?,?,?,?,?,?)",
            ["a", index, start, end, text, "[]"],
        )
    db.conn.commit()
    db.conn.close()
    with Store.open(path) as store:
        assert store.corpus.sentence_total() == 2 and store.corpus.document_seq_range() == (1, 1, 1)
        store.initialize("old", tagset)
        add_document(store, "b", ["Tiga."])
        assert store.corpus.sentence_total() == 3
