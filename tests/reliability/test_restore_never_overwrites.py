"""Undo and redo in one annotator's process never overwrite another annotator's span, across
two real processes on one database file, and the event log records what really happened."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from annotator.errors import RestoreRefused
from annotator.model import SpanAnnotation, Suggestion
from annotator.store import Store
from annotator.workspace.editing import ActionRefused, Editor

# Annotator A's session: label a span, delete it, then wait; on each later line, one of
# `undo` or `redo`, answered with the span ids A then holds, as JSON.
SESSION_A = textwrap.dedent(
    """
    import json, sys
    from annotator.store import Store
    from annotator.workspace.editing import Editor
    store = Store.open(sys.argv[1])
    sentence = next(store.corpus.iter_sentences())
    editor = Editor(store, "ana")
    [change] = editor.add_span(sentence.id, 0, 4, "loaded_language").changes
    editor.delete_span(change.after)
    print(json.dumps({"deleted": change.after.id, "sentence": sentence.id}), flush=True)
    for line in sys.stdin:
        getattr(editor, line.strip())()
        print(json.dumps([s.id for s in store.annotations.spans_for_sentence(sentence.id, "ana")]), flush=True)
    """
)

SESSION_B = textwrap.dedent(
    """
    import sys
    from annotator.store import Store
    from annotator.workspace.editing import Editor
    with Store.open(sys.argv[1]) as store:
        sentence = next(store.corpus.iter_sentences())
        [change] = Editor(store, "budi").add_span(sentence.id, 5, 9, "name_calling").changes
        print(change.after.id)
    """
)


def test_undo_in_one_process_never_deletes_the_span_another_process_labelled(project_db: Path):
    a = subprocess.Popen(
        [sys.executable, "-c", SESSION_A, str(project_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = json.loads(a.stdout.readline())
        # B labels a span after A's delete freed the largest id.
        b = subprocess.run(
            [sys.executable, "-c", SESSION_B, str(project_db)], capture_output=True, text=True, check=True
        )
        budi_id = int(b.stdout)
        assert budi_id != first["deleted"], "a freed span id was handed to another annotator"
        a.stdin.write("undo\n")
        a.stdin.flush()
        assert json.loads(a.stdout.readline()) == [first["deleted"]]
        a.stdin.write("redo\nundo\n")
        a.stdin.flush()
        assert json.loads(a.stdout.readline()) == []
        assert json.loads(a.stdout.readline()) == [first["deleted"]]
    finally:
        a.stdin.close()
        a.wait(timeout=30)
    assert a.returncode == 0, a.stderr.read()

    with Store.open(project_db, readonly=True) as store:
        [budi] = store.annotations.spans_for_sentence(first["sentence"], "budi")
        assert (budi.id, budi.start, budi.end, budi.label) == (budi_id, 5, 9, "name_calling")
        [ana] = store.annotations.spans_for_sentence(first["sentence"], "ana")
        assert ana.id == first["deleted"]
        # The log is truthful: A's last undo restored A's span under its own id.
        undo = [e for e in store.annotations.events("ana") if e.action == "undo"][-1]
        [change] = undo.payload["changes"]
        assert change["after"]["id"] == ana.id and change["after"]["annotator"] == "ana"


def test_a_restore_over_another_annotators_row_is_refused_and_logs_nothing():
    store = Store.memory()
    store.db.execute(
        "INSERT INTO document_rows (id, text, content_hash, sentence_count, token_count, imported_at)"
        " VALUES ('d', 'Kata kata.', 'h', 1, 2, 'now')"
    )
    store.db.execute(
        "INSERT INTO sentence_rows (id, document_id, idx, doc_start, doc_end, text, tokens)"
        " VALUES (1, 'd', 0, 0, 10, 'Kata kata.', '[[0,4],[5,9]]')"
    )
    store.conn.commit()
    budi = store.annotations.add_span(SpanAnnotation(1, "budi", 5, 9, "name_calling"))
    # A row of A's that claims B's id (as a reused id would): the restore refuses it.
    with pytest.raises(RestoreRefused):
        store.annotations.restore_span(SpanAnnotation(1, "ana", 0, 4, "loaded_language", id=budi.id, created_at="t"))
    assert store.annotations.get_span(budi.id) == budi

    editor = Editor(store, "ana")
    [change] = editor.add_span(1, 0, 4, "loaded_language").changes
    editor.delete_span(change.after)
    # The same span stored again under a new id (e.g. by import-annotations): undo refuses.
    store.annotations.add_span(SpanAnnotation(1, "ana", 0, 4, "loaded_language"))
    events = len(store.annotations.events("ana"))
    with pytest.raises(ActionRefused):
        editor.undo()
    assert len(store.annotations.events("ana")) == events
    assert len(store.annotations.spans_for_sentence(1, "ana")) == 1


def test_redo_of_an_accepted_suggestion_that_suggest_removed_is_refused_cleanly():
    store = Store.memory()
    store.db.execute(
        "INSERT INTO document_rows (id, text, content_hash, sentence_count, token_count, imported_at)"
        " VALUES ('d', 'Kata kata.', 'h', 1, 2, 'now')"
    )
    store.db.execute(
        "INSERT INTO sentence_rows (id, document_id, idx, doc_start, doc_end, text, tokens)"
        " VALUES (1, 'd', 0, 0, 10, 'Kata kata.', '[[0,4],[5,9]]')"
    )
    store.conn.commit()
    store.suggestions.sync([1], [Suggestion(1, 0, 4, "loaded_language", "kata")])
    editor = Editor(store, "ana")
    editor.accept(store.suggestions.for_sentence(1, "ana"))
    editor.undo()
    store.suggestions.sync([1], [])  # `suggest` again, with the entry gone
    events = len(store.annotations.events("ana"))
    with pytest.raises(ActionRefused, match="gone"):
        editor.redo()
    assert len(store.annotations.events("ana")) == events and store.annotations.spans_for_sentence(1, "ana") == []
