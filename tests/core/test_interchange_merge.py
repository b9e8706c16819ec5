"""merge: matching documents and sentences across databases, idempotency, refusals, the source untouched."""

import hashlib
import shutil

import pytest

from annotator.corpus_import import Importer
from annotator.errors import InputError
from annotator.interchange.merge import merge_project
from annotator.model import (
    Document,
    Event,
    LexiconEntry,
    Sentence,
    SentenceState,
    SpanAnnotation,
)
from annotator.resources import sample_paths
from annotator.store import Store
from tests.core.interchange_data import DOC, OTHER_DOC, TRICKY_NAME, file_project
from tests.core.older_schema import TEXT, write_m001_project


@pytest.fixture
def laptop(tagset, tmp_path):
    path = tmp_path / "laptop.db"
    file_project(path, tagset)
    return path


def lead_project(path, tagset, order=None):
    """The lead's project: the samples imported, in `order` (a permutation) if given."""
    store = Store.open(path, create=True)
    store.initialize("lead", tagset)
    paths = sample_paths()
    if order is not None:
        paths = [paths[i] for i in order]
    assert not Importer(store).run(paths).failed
    return store


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_merge_reports_what_it_added_and_is_idempotent(tagset, tmp_path, laptop):
    with lead_project(tmp_path / "lead.db", tagset) as lead:
        first = merge_project(lead, laptop)
        assert first.conflicts == []
        assert (first.documents_added, first.documents_matched, first.sentences_added) == (0, 3, 0)
        assert (first.spans_added, first.statuses_added, first.suggestions_added, first.decisions_added) == (7, 5, 1, 1)
        assert first.events_added == 2 and first.annotators_added == 4
        second = merge_project(lead, laptop)
        counts = [
            second.documents_added,
            second.sentences_added,
            second.spans_added,
            second.statuses_added,
            second.statuses_updated,
            second.suggestions_added,
            second.decisions_added,
            second.decisions_updated,
            second.events_added,
            second.annotators_added,
        ]
        assert counts == [0] * 10 and second.documents_matched == 3


def test_sentence_ids_differ_between_databases_and_are_mapped(tagset, tmp_path, laptop):
    with lead_project(tmp_path / "lead.db", tagset, order=[2, 1, 0]) as lead:
        with Store.open(laptop) as source:
            theirs = source.corpus.sentence_at(DOC, 0).id
        ours = lead.corpus.sentence_at(DOC, 0)
        assert ours.id != theirs
        merge_project(lead, laptop)
        spans = lead.annotations.spans_for_sentence(ours.id, "ana")
        assert [(ours.text[s.start : s.end], s.label) for s in spans] == [
            ("Baghdad", "loaded_language"),
            ("Purna Warta –", "name_calling"),
            ("Warta", "scare_quotes"),
        ]
        [suggestion] = lead.suggestions.for_sentence(ours.id, "ana")
        assert suggestion.decision == "accepted" and spans[0].suggestion_id == suggestion.id
        assert lead.annotations.get_judgment(ours.id, "ana").judgment == "biased"
        events = {(e.annotator, e.action): e.sentence_id for e in lead.annotations.events()}
        assert events[("ana", "add_span")] == ours.id
        assert events[("budi", "skip")] == lead.corpus.sentence_at(DOC, 3).id


def test_merge_brings_new_documents_with_their_sentences(tagset, tmp_path, laptop):
    with Store.open(tmp_path / "empty.db", create=True) as lead:
        lead.initialize("lead", tagset)
        result = merge_project(lead, laptop)
        assert (result.documents_added, result.sentences_added) == (3, 53)
        assert lead.corpus.document_ids() == ["000_da3b1012a6ad7316", DOC, OTHER_DOC]
        assert lead.corpus.counts()["sentences"] == 53
        assert lead.corpus.get_document(DOC).text == Store.open(laptop).corpus.get_document(DOC).text


def test_the_same_id_with_different_text_refuses_the_whole_source(tagset, tmp_path, laptop):
    with Store.open(laptop) as source:
        text = "Teks lain sama sekali."
        source.corpus.insert_document(
            Document(id="extra", text=text, content_hash="abc"),
            [Sentence(None, "extra", 0, 0, len(text), text, [(0, 4)])],
        )
    with lead_project(tmp_path / "lead.db", tagset) as lead:
        text = "Teks yang berbeda."
        lead.corpus.insert_document(
            Document(id="extra", text=text, content_hash="xyz"),
            [Sentence(None, "extra", 0, 0, len(text), text, [(0, 4)])],
        )
        result = merge_project(lead, laptop)
        assert result.conflicts == ["document 'extra': same id here with different text"]
        assert result.spans_added == 0 and list(lead.annotations.iter_spans()) == [] and lead.annotations.events() == []


def test_the_same_text_under_another_id_is_merged_onto_it(tagset, tmp_path, laptop):
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    for path in sample_paths():
        target = renamed / ("renamed" + path.suffix if path.stem == DOC else path.name)
        shutil.copy(path, target)
    with Store.open(tmp_path / "lead.db", create=True) as lead:
        lead.initialize("lead", tagset)
        assert not Importer(lead).run(sorted(renamed.iterdir())).failed
        result = merge_project(lead, laptop)
        assert result.conflicts == [] and result.renamed == [(DOC, "renamed")] and result.documents_added == 0
        assert len(lead.annotations.spans_for_sentence(lead.corpus.sentence_at("renamed", 0).id, "ana")) == 3


def test_a_document_segmented_differently_is_refused(tagset, tmp_path, laptop):
    with Store.open(tmp_path / "lead.db", create=True) as lead:
        lead.initialize("lead", tagset)
        with Store.open(laptop) as source:
            document = source.corpus.get_document(DOC)
        whole = Sentence(None, DOC, 0, 0, len(document.text), document.text, [(0, 7)])
        document.seq = None
        lead.corpus.insert_document(document, [whole])
        result = merge_project(lead, laptop)
        assert any("segmented differently" in line for line in result.conflicts)
        assert lead.corpus.counts()["documents"] == 1


def test_labels_missing_from_the_tag_set_are_refused(tagset, tmp_path, laptop):
    with Store.open(laptop) as source:
        source.annotations.add_span(SpanAnnotation(source.corpus.sentence_at(DOC, 1).id, "ana", 0, 5, "propaganda"))
    with lead_project(tmp_path / "lead.db", tagset) as lead:
        result = merge_project(lead, laptop)
        assert result.conflicts == ["label 'propaganda' is not in this project's tag set"]


def test_a_later_state_replaces_an_earlier_one(tagset, tmp_path, laptop):
    with lead_project(tmp_path / "lead.db", tagset) as lead:
        sentence_id = lead.corpus.sentence_at(DOC, 0).id
        lead.annotations.put_judgment(
            SentenceState(sentence_id, "ana", status="done", judgment="neutral", finished_at="2025-12-31T00:00:00.000Z")
        )
        lead.annotations.put_judgment(
            SentenceState(
                lead.corpus.sentence_at(OTHER_DOC, 1).id,
                "budi",
                status="done",
                judgment="biased",
                finished_at="2027-01-01T00:00:00.000Z",
            )
        )
        result = merge_project(lead, laptop)
        assert result.statuses_updated == 1
        assert lead.annotations.get_judgment(sentence_id, "ana").judgment == "biased"  # theirs finished later
        assert (
            lead.annotations.get_judgment(lead.corpus.sentence_at(OTHER_DOC, 1).id, "budi").judgment == "biased"
        )  # ours later


def test_the_source_database_is_not_changed(tagset, tmp_path, laptop):
    before = digest(laptop)
    with lead_project(tmp_path / "lead.db", tagset) as lead:
        merge_project(lead, laptop)
    assert digest(laptop) == before


def test_merging_both_ways_does_not_duplicate_events(tagset, tmp_path, laptop):
    with lead_project(tmp_path / "lead.db", tagset) as lead:
        lead.annotations.append_event(Event("lead", "note", {"x": 1}, sentence_id=lead.corpus.sentence_at(DOC, 2).id))
        merge_project(lead, laptop)
    with Store.open(laptop) as source:
        merge_project(source, tmp_path / "lead.db")
        assert len(source.annotations.events()) == 3
    with Store.open(tmp_path / "lead.db") as lead:
        assert merge_project(lead, laptop).events_added == 0 and len(lead.annotations.events()) == 3


def test_names_survive_a_merge(tagset, tmp_path, laptop):
    with lead_project(tmp_path / "lead.db", tagset) as lead:
        merge_project(lead, laptop)
        assert TRICKY_NAME in lead.annotations.annotators()


def test_what_cannot_be_merged_at_all(tagset, tmp_path, laptop):
    with lead_project(tmp_path / "lead.db", tagset) as lead:
        with pytest.raises(InputError, match="no such file"):
            merge_project(lead, tmp_path / "missing.db")
        with pytest.raises(InputError, match="is this project"):
            merge_project(lead, tmp_path / "lead.db")
        (tmp_path / "text.db").write_text("not a database")
        with pytest.raises(InputError, match="not an SQLite database"):
            merge_project(lead, tmp_path / "text.db")
        with Store.open(tmp_path / "bare.db", create=True):
            pass
        with pytest.raises(InputError, match="holds no project"):
            merge_project(lead, tmp_path / "bare.db")


def test_lexicons_come_by_name_and_entries_only_once(tagset, tmp_path, laptop):
    with Store.open(laptop) as source:
        source.lexicons.add_entry("laptop", LexiconEntry("antek asing", "name_calling", "phrase", note="seen in 000"))
        source.lexicons.add_entry("shared", LexiconEntry("dalih", "loaded_language", "exact", note="theirs"))
        source.lexicons.add_entry("shared", LexiconEntry("pengecut", "loaded_language", "stem"))
    with lead_project(tmp_path / "lead.db", tagset) as lead:
        lead.lexicons.add_entry("shared", LexiconEntry("dalih", "loaded_language", "exact", note="ours"))
        result = merge_project(lead, laptop)
        assert (result.lexicons_added, result.lexicon_entries_added) == (1, 2)
        entries = {(e.lexicon, e.term): e for e in lead.lexicons.entries()}
        assert entries["laptop", "antek asing"].note == "seen in 000"
        assert entries["shared", "dalih"].note == "ours"  # an entry already here is kept as it is
        assert ("shared", "pengecut") in entries
        again = merge_project(lead, laptop)
        assert (again.lexicons_added, again.lexicon_entries_added) == (0, 0)


def test_a_lexicon_entry_that_clashes_within_its_lexicon_is_skipped_and_named(tagset, tmp_path, laptop):
    with Store.open(laptop) as source:
        source.lexicons.add_entry("team", LexiconEntry("antek asing", "name_calling", "phrase"))
        source.lexicons.add_entry("team", LexiconEntry("dalih", "epistemic_framing", "exact"))
    with lead_project(tmp_path / "lead.db", tagset) as lead:
        lead.lexicons.add_entry("team", LexiconEntry("antek asing", "loaded_language", "phrase"))
        lead.lexicons.add_entry("team", LexiconEntry("Dalih", "epistemic_framing", "exact"))  # the same, up to case
        result = merge_project(lead, laptop)
        assert result.conflicts == [] and result.lexicon_entries_added == 0
        [reason] = result.lexicon_entries_skipped
        assert reason.startswith("lexicon 'team': duplicate entry 'antek asing' (phrase)")
        assert [(e.term, e.label) for e in lead.lexicons.entries("team")] == [
            ("antek asing", "loaded_language"),
            ("Dalih", "epistemic_framing"),
        ]


def test_a_lexicon_entry_with_a_label_this_tag_set_lacks_refuses_the_source(tagset, tmp_path, laptop):
    with Store.open(laptop) as source:
        source.lexicons.add_entry("laptop", LexiconEntry("antek", "propaganda", "exact"))
        source.lexicons.add_entry("laptop", LexiconEntry("Perlawanan Islam", "", "ignore"))
    with lead_project(tmp_path / "lead.db", tagset) as lead:
        assert merge_project(lead, laptop).conflicts == ["label 'propaganda' is not in this project's tag set"]
        assert lead.lexicons.all() == []


@pytest.mark.parametrize("wal", [False, True])
def test_a_source_with_an_older_schema_is_merged_from_an_upgraded_copy(tagset, tmp_path, wal):
    old = tmp_path / "old.db"
    # In WAL mode with a writer still open, the data is in the -wal file, not yet in old.db.
    writer = write_m001_project(old, wal=wal)
    before = digest(old)
    with Store.open(tmp_path / "lead.db", create=True) as lead:
        lead.initialize("lead", tagset)
        result = merge_project(lead, old)
        assert result.conflicts == [] and result.upgraded_from == "m001_initial" and result.source == str(old)
        assert (result.documents_added, result.spans_added, result.statuses_added) == (1, 1, 1)
        sentence = lead.corpus.sentence_at("d1", 0)
        assert sentence.text == TEXT
        [span] = lead.annotations.spans_for_sentence(sentence.id, "ana")
        assert (span.start, span.end, span.label) == (5, 13, "loaded_language")
        assert lead.annotations.get_judgment(sentence.id, "ana").judgment == "biased"
        assert merge_project(lead, old).spans_added == 0
    assert digest(old) == before
    if writer is not None:
        writer.close()
    # No copy is left behind.
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(("lead.db", "old.db-"))) == ["old.db"]


def test_nothing_is_merged_into_a_project_open_read_only(tagset, tmp_path, laptop):
    lead_project(tmp_path / "lead.db", tagset).close()
    with Store.open(tmp_path / "lead.db", readonly=True) as lead:
        with pytest.raises(InputError, match="is open read-only: nothing can be merged"):
            merge_project(lead, laptop)


def test_a_source_with_a_newer_schema_is_refused(tagset, tmp_path, laptop):
    with Store.open(laptop) as source:
        source.db["_sqlite_migrations"].insert(
            {"migration_set": "framing-annotator", "name": "m999_from_the_future", "applied_at": "2099-01-01"}
        )
    with lead_project(tmp_path / "lead.db", tagset) as lead:
        with pytest.raises(InputError, match="newer framing-annotator"):
            merge_project(lead, laptop)
