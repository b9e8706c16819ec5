"""m012_uncertainty_order on a blank database and an older project; served_order in the
sentences CSV (the last column), its import, and merges."""

from __future__ import annotations

import csv

from annotator import migrations
from annotator.interchange.annotation_import import import_annotations
from annotator.interchange.formats import GOLD_COLUMNS, SENTENCE_COLUMNS
from annotator.model import SentenceState
from annotator.store import Store
from tests.core.interchange_data import DOC, csv_rows, export_text, fresh_project
from tests.core.older_schema import write_m001_project


def test_a_blank_database_gets_the_column_and_the_score_tables(db_path):
    with Store.open(db_path, create=True) as store:
        assert "m012_uncertainty_order" in store.schema_version()
        assert "served_order" in store.db["sentence_status"].columns_dict
        assert set(store.db["sentence_uncertainty"].columns_dict) == {
            "sentence_id",
            "document_id",
            "model_version",
            "score",
        }
        assert set(store.db["document_uncertainty"].columns_dict) == {
            "rank",
            "document_id",
            "seq",
            "model_version",
            "score",
        }
        assert not store.uncertainty.has_scores() and store.uncertainty.version() is None


def test_an_older_project_keeps_its_states_without_an_order_and_has_no_scores(db_path):
    write_m001_project(db_path)
    with Store.open(db_path) as store:
        assert store.schema_version() == migrations.known_names()
        state = store.annotations.get_judgment(1, "ana")
        assert (state.status, state.judgment, state.served_order) == ("done", "biased", None)
        assert not store.uncertainty.has_scores()
        store.uncertainty.add(1, [(1, "d1", 0.25)])
        store.uncertainty.rank_documents(1)
        assert (store.uncertainty.ranked_count(), store.uncertainty.document_at_rank(0)) == (1, "d1")
        assert store.integrity_check() == "ok"


def _project_with_a_served_state(tagset) -> Store:
    store = fresh_project(tagset)
    sentence = store.corpus.sentence_at(DOC, 0)
    store.annotations.put_judgment(
        SentenceState(sentence.id, "ana", "done", suggestion_mode="on", served_order="uncertain")
    )
    return store


def test_the_sentences_csv_ends_with_served_order_and_imports_it_back(tagset, tmp_path):
    store = _project_with_a_served_state(tagset)
    text = export_text(store, "sentences")
    assert text.splitlines()[0].split(",")[-1] == "served_order"
    [row] = csv_rows(text)
    assert row["served_order"] == "uncertain"
    path = tmp_path / "sentences.csv"
    path.write_text(text, encoding="utf-8", newline="")
    other = fresh_project(tagset)
    result = import_annotations(other, path)
    assert result.errors == [] and result.states_added == 1
    sentence = other.corpus.sentence_at(DOC, 0)
    assert other.annotations.get_judgment(sentence.id, "ana").served_order == "uncertain"


def test_a_sentences_csv_from_before_the_column_imports_and_keeps_the_stored_order(tagset, tmp_path):
    store = _project_with_a_served_state(tagset)
    [row] = csv_rows(export_text(store, "sentences"))
    old = tmp_path / "old.csv"
    for header in (SENTENCE_COLUMNS[:-1], SENTENCE_COLUMNS[:-1] + GOLD_COLUMNS):
        with old.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerow([{**row, "note": "later", "agreed_by": "", "resolution": ""}[c] for c in header])
        result = import_annotations(store, old)
        assert result.errors == [], result.errors
        state = store.annotations.get_judgment(store.corpus.sentence_at(DOC, 0).id, "ana")
        assert (state.note, state.served_order) == ("later", "uncertain")


def test_an_unknown_served_order_is_refused_by_line(tagset, tmp_path):
    store = _project_with_a_served_state(tagset)
    text = export_text(store, "sentences").replace(",uncertain", ",alphabetical")
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8", newline="")
    result = import_annotations(fresh_project(tagset), path)
    assert len(result.errors) == 1 and "served_order 'alphabetical'" in result.errors[0]


def test_a_merge_brings_the_served_order(tagset, tmp_path):
    source_path = tmp_path / "source.db"
    with Store.open(source_path, create=True) as source:
        source.initialize("test", tagset)
        memory = fresh_project(tagset)
        source.corpus.insert_document(memory.corpus.get_document(DOC), memory.corpus.sentences_of(DOC))
        sentence = source.corpus.sentence_at(DOC, 0)
        source.annotations.put_judgment(SentenceState(sentence.id, "ana", "done", served_order="random"))
    target = fresh_project(tagset)
    result = target.merge.from_database(source_path)
    assert not result.conflicts
    state = target.annotations.get_judgment(target.corpus.sentence_at(DOC, 0).id, "ana")
    assert state.served_order == "random"
