"""The `e` boundary edit and the `'` jump in the session, and a span that starts or ends
inside a token all the way downstream: agreement's shares-a-character rule, BIO tags and
the CSV and JSONL exports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotator.adjudication.session import CurationSession
from annotator.agreement.report import compute_report, pair_key
from annotator.interchange.export import export
from annotator.model import GOLD
from annotator.workspace import ActionRefused, AnnotationSession
from tests.workspace_corpus import add_document, build_corpus

HYPHEN = "Konflik Israel-Hamas memanas lagi."  # tokens: Konflik Israel-Hamas memanas lagi .


@pytest.fixture
def corpus(store):
    build_corpus(store)
    add_document(store, "berita-3", [HYPHEN])
    return store


def session_on(store, annotator="ana", document="berita-3"):
    session = AnnotationSession(store, annotator)
    session.open(document)
    return session


def texts(store, annotator="ana", document="berita-3"):
    sentence = store.corpus.sentence_at(document, 0)
    return [
        (sentence.text[s.start : s.end], s.label) for s in store.annotations.spans_for_sentence(sentence.id, annotator)
    ]


def israel_only(session):
    """Label Israel-Hamas, then move its end back over "-Hamas": the span ends mid-token."""
    session.place(1)
    session.apply_label("1")
    session.begin_boundary()
    for _ in "-Hamas":
        session.move_boundary("end", -1)
    return session.keep_boundary()


def test_the_end_and_start_move_by_one_character_and_keep_is_one_undoable_edit(corpus):
    session = session_on(corpus)
    israel_only(session)
    assert texts(corpus) == [("Israel", "loaded_language")]
    assert session.boundary is None and session.key_mode is None
    session.undo()
    assert texts(corpus) == [("Israel-Hamas", "loaded_language")]
    session.redo()
    session.begin_boundary()
    session.move_boundary("start", 1)
    session.move_boundary("start", -1)
    session.move_boundary("start", -1)  # over the space before it
    session.keep_boundary()
    assert texts(corpus) == [(" Israel", "loaded_language")]


def test_cancel_and_unchanged_store_nothing_and_the_range_never_empties(corpus):
    session = session_on(corpus)
    session.place(4)  # "."
    session.apply_label("2")
    session.begin_boundary()
    with pytest.raises(ActionRefused):
        session.move_boundary("end", -1)
    with pytest.raises(ActionRefused):
        session.move_boundary("start", 1)
    with pytest.raises(ActionRefused):
        session.move_boundary("end", 1)  # past the sentence's end
    assert session.keep_boundary() == "boundaries unchanged"
    session.begin_boundary()
    session.move_boundary("start", -3)
    session.cancel_boundary()
    assert texts(corpus) == [(".", "name_calling")]
    with pytest.raises(ActionRefused, match="no boundary edit"):
        session.move_boundary("end", 1)


def test_a_boundary_edit_of_a_selection_is_labelled_by_a_label_key(corpus):
    session = session_on(corpus)
    session.place(1)
    session.extend(1)  # Israel-Hamas memanas
    session.begin_boundary()
    with pytest.raises(ActionRefused, match="label it"):
        session.keep_boundary()
    for _ in range(len("s memanas")):
        session.move_boundary("end", -1)
    session.apply_label("5")
    assert texts(corpus) == [("Israel-Hama", "euphemism")]
    assert session.boundary is None
    session.undo()
    assert texts(corpus) == []


def test_the_jump_goes_on_as_letters_are_typed_and_extends_a_selection(corpus):
    session = session_on(corpus)
    session.begin_jump()
    session.jump_type("m")
    assert session.cursor.position == 2
    with pytest.raises(ActionRefused, match="no token starts with 'mz'"):
        session.jump_type("z")
    assert session.cursor.position == 2  # no match leaves the cursor
    session.jump_back()
    assert session.jump.typed == "m" and session.cursor.position == 2
    session.end_jump()
    session.extend(-1)
    session.begin_jump()
    session.jump_type("l")
    session.end_jump()
    assert session.cursor.selection == (2, 3)


def test_moving_to_another_sentence_leaves_the_modes(corpus):
    session = session_on(corpus, document="berita-1")
    session.begin_boundary()
    session.next_sentence()
    assert session.key_mode is None
    session.begin_jump()
    session.previous_sentence()
    assert session.key_mode is None


def test_a_gold_boundary_edit_records_who_agreed_on_the_new_range(corpus):
    for name in ("ana", "budi"):
        session = session_on(corpus, name)
        if name == "ana":
            israel_only(session)
        else:
            session.place(1)
            session.apply_label("1")
        session.mark_done()
    curator = CurationSession(corpus, "cur", auto="none")
    curator.open()
    while curator.sentence.document_id != "berita-3":
        curator.next_sentence()
    curator.clear_selection()
    curator.place(1)
    curator.apply_label("1")  # Israel-Hamas, as budi gave it
    curator.begin_boundary()
    for _ in "-Hamas":
        curator.move_boundary("end", -1)
    curator.keep_boundary()
    [gold] = corpus.annotations.spans_for_sentence(curator.sentence_id, GOLD)
    assert (HYPHEN[gold.start : gold.end], gold.agreed_by) == ("Israel", ("ana",))
    curator.undo()
    [gold] = corpus.annotations.spans_for_sentence(curator.sentence_id, GOLD)
    assert (HYPHEN[gold.start : gold.end], gold.agreed_by) == ("Israel-Hamas", ("budi",))


# -------------------------------------------------------------- downstream


@pytest.fixture
def mid_token(corpus):
    """Three annotators on Israel-Hamas, all loaded_language and done: ana "Israel" (ends
    inside the token), budi the whole token, carl "-Hamas" (starts inside it, touching
    ana's span without sharing a character)."""
    ana = session_on(corpus, "ana")
    israel_only(ana)
    ana.mark_done()
    budi = session_on(corpus, "budi")
    budi.place(1)
    budi.apply_label("1")
    budi.mark_done()
    carl = session_on(corpus, "carl")
    carl.place(1)
    carl.apply_label("1")
    carl.begin_boundary()
    for _ in "Israel":
        carl.move_boundary("start", 1)
    carl.keep_boundary()
    carl.mark_done()
    return corpus


def test_agreement_matches_mid_token_spans_that_share_a_character(mid_token):
    pairs = compute_report(mid_token, level="span", annotators=["ana", "budi", "carl"])["pairs"]
    assert (pairs[pair_key("ana", "budi")]["exact_f1"], pairs[pair_key("ana", "budi")]["overlap_f1"]) == (0.0, 1.0)
    assert pairs[pair_key("budi", "carl")]["overlap_f1"] == 1.0
    # "Israel" [8, 14) and "-Hamas" [14, 20) touch but share no character.
    assert pairs[pair_key("ana", "carl")]["overlap_f1"] == 0.0


def export_text(store, kind, fmt="csv", raw=False):
    handle = io.StringIO(newline="")
    export(store, kind, fmt, handle, raw=raw)
    return handle.getvalue()


def test_bio_csv_and_jsonl_exports_handle_a_mid_token_span(mid_token):
    sentence = mid_token.corpus.sentence_at("berita-3", 0)
    # raw: as stored (the default guards "-Hamas" against spreadsheets as "'-Hamas").
    exported = export_text(mid_token, "spans", raw=True)
    rows = [r for r in csv.DictReader(io.StringIO(exported)) if r["document_id"] == "berita-3"]
    assert sorted((r["annotator"], r["text"], int(r["start"]), int(r["end"])) for r in rows) == [
        ("ana", "Israel", 8, 14),
        ("budi", "Israel-Hamas", 8, 20),
        ("carl", "-Hamas", 14, 20),
    ]
    assert all(sentence.text[int(r["start"]) : int(r["end"])] == r["text"] for r in rows)
    lines = [json.loads(line) for line in export_text(mid_token, "spans", "jsonl").splitlines()]
    ana = next(o for o in lines if o["annotator"] == "ana" and o["document_id"] == "berita-3")
    assert ana["label"] == [[8, 14, "loaded_language"]]
    # BIO: a span inside a token tags the whole token.
    tokens = [
        r for r in csv.DictReader(io.StringIO(export_text(mid_token, "tokens"))) if r["document_id"] == "berita-3"
    ]
    for name in ("ana", "carl"):
        assert [r["tag"] for r in tokens if r["annotator"] == name] == ["O", "B-loaded_language", "O", "O", "O"]
