"""Merging another project database into this one (`annotator merge`).

Moved as it was from the single store module; splitting it into step functions is
issue 12's next step.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import AnnotatorError, ReadOnlyStore
from ..model import LexiconEntry, MergeResult
from .room import Room


class Merge(Room):
    class _MergeRefused(Exception):
        """Rolls back a merge that found conflicts."""

    def from_database(self, path: str | os.PathLike, lexicon_entries: Sequence[LexiconEntry] = ()) -> MergeResult:
        """Bring another project database's documents, sentences, annotators, suggestions
        and decisions, spans, sentence states, events and lexicons into this one, in one
        transaction. Idempotent: what is already here is not added again.

        Documents match by id and content hash, or by content hash under another id.
        Nothing is merged, and `conflicts` says why, when a document has the same id
        and different text, a matched document is segmented differently, or spans,
        suggestions or judgments use labels or values this tag set lacks.

        Sentence ids differ between databases, so sentences map by (document, index)
        and suggestions by (sentence, start, end, label, term). A span or suggestion
        decision already here is kept; a sentence state already here is replaced only
        by one finished (or first shown) later; an event is added unless an identical
        one (time, annotator, action, sentence, payload, origin) is here. A lexicon this
        project lacks is added by name; `lexicon_entries` (each naming its lexicon) are
        the source's entries to add, chosen by the caller, which validates them against
        the entries here.
        """
        path = Path(path)
        result = MergeResult(source=str(path))
        if self.store.readonly:
            raise ReadOnlyStore(f"{self.store.path} is open read-only: nothing can be merged into it")
        if self.conn.in_transaction:
            raise AnnotatorError("merge cannot run inside another transaction")
        self.conn.execute("ATTACH DATABASE ? AS merge_source", [f"{path.resolve().as_uri()}?mode=ro"])
        try:
            with self.transaction():
                self._merge_attached(result, lexicon_entries)
                if result.conflicts:
                    raise self._MergeRefused
        except self._MergeRefused:
            result = MergeResult(source=result.source, conflicts=result.conflicts)
        finally:
            self.conn.execute("DETACH DATABASE merge_source")
        return result

    def _merge_attached(self, result: MergeResult, lexicon_entries: Sequence[LexiconEntry]) -> None:
        run = self.conn.execute
        src = "merge_source"
        for (document_id,) in run(
            f"SELECT s.id FROM {src}.documents s JOIN main.documents t ON t.id = s.id"
            " WHERE t.content_hash != s.content_hash ORDER BY s.seq"
        ):
            result.conflicts.append(f"document {document_id!r}: same id here with different text")
        if result.conflicts:
            return
        # Documents: matched by id (same hash, checked above), else by hash, else new.
        run("CREATE TEMP TABLE merge_hashes (content_hash TEXT PRIMARY KEY, id TEXT NOT NULL)")
        run("INSERT OR IGNORE INTO temp.merge_hashes SELECT content_hash, id FROM main.documents ORDER BY seq")
        run(
            "CREATE TEMP TABLE merge_documents (src_id TEXT PRIMARY KEY, dst_id TEXT NOT NULL,"
            " is_new INTEGER NOT NULL, seq INTEGER NOT NULL)"
        )
        run(
            "INSERT INTO temp.merge_documents (src_id, dst_id, is_new, seq)"
            " SELECT s.id, COALESCE(t.id, h.id, s.id), t.id IS NULL AND h.id IS NULL, s.seq"
            f" FROM {src}.documents s LEFT JOIN main.documents t ON t.id = s.id"
            " LEFT JOIN temp.merge_hashes h ON t.id IS NULL AND h.content_hash = s.content_hash"
        )
        result.renamed = [
            (row[0], row[1])
            for row in run("SELECT src_id, dst_id FROM temp.merge_documents WHERE src_id != dst_id ORDER BY seq")
        ]
        result.documents_matched = int(self._scalar("SELECT COUNT(*) FROM temp.merge_documents WHERE NOT is_new"))  # type: ignore[call-overload]
        cursor = run(
            "INSERT INTO main.documents (id, title, source, url, date, metadata, text, content_hash,"
            " sentence_count, token_count, imported_at)"
            " SELECT s.id, s.title, s.source, s.url, s.date, s.metadata, s.text, s.content_hash,"
            f" s.sentence_count, s.token_count, s.imported_at FROM {src}.documents s"
            " JOIN temp.merge_documents m ON m.src_id = s.id WHERE m.is_new ORDER BY s.seq"
        )
        result.documents_added = cursor.rowcount
        cursor = run(
            "INSERT INTO main.sentences (document_id, idx, doc_start, doc_end, text, tokens)"
            f" SELECT s.document_id, s.idx, s.doc_start, s.doc_end, s.text, s.tokens FROM {src}.sentences s"
            " JOIN temp.merge_documents m ON m.src_id = s.document_id WHERE m.is_new ORDER BY m.seq, s.idx"
        )
        result.sentences_added = cursor.rowcount
        # Sentences: by (document, index), with the same offsets.
        run("CREATE TEMP TABLE merge_sentences (src_id INTEGER PRIMARY KEY, dst_id INTEGER NOT NULL)")
        run(
            "INSERT INTO temp.merge_sentences (src_id, dst_id) SELECT s.id, t.id"
            f" FROM {src}.sentences s JOIN temp.merge_documents m ON m.src_id = s.document_id"
            " JOIN main.sentences t ON t.document_id = m.dst_id AND t.idx = s.idx"
            " AND t.doc_start = s.doc_start AND t.doc_end = s.doc_end"
        )
        for document_id, missing in run(
            f"SELECT s.document_id, COUNT(*) FROM {src}.sentences s"
            " LEFT JOIN temp.merge_sentences ms ON ms.src_id = s.id WHERE ms.src_id IS NULL"
            " GROUP BY s.document_id ORDER BY s.document_id"
        ):
            result.conflicts.append(
                f"document {document_id!r}: segmented differently here ({missing} sentence(s) do not match)"
            )
        for (label,) in run(
            f"SELECT label FROM {src}.spans UNION SELECT label FROM {src}.suggestions"
            f" UNION SELECT label FROM {src}.lexicon_entries WHERE match != 'ignore' OR label != ''"
            " EXCEPT SELECT name FROM main.labels ORDER BY 1"
        ):
            result.conflicts.append(f"label {label!r} is not in this project's tag set")
        values = set(self.store.tagset().judgment.values)
        for (value,) in run(f"SELECT DISTINCT judgment FROM {src}.sentence_status WHERE judgment IS NOT NULL"):
            if value not in values:
                result.conflicts.append(f"judgment value {value!r} is not in this project's tag set")
        if result.conflicts:
            return
        result.annotators_added = run(
            f"INSERT OR IGNORE INTO main.annotators (name, created_at) SELECT name, created_at FROM {src}.annotators"
        ).rowcount
        result.suggestions_added = run(
            "INSERT INTO main.suggestions (sentence_id, char_start, char_end, label, term, quoted, detector,"
            " reason, score)"
            " SELECT ms.dst_id, g.char_start, g.char_end, g.label, g.term, g.quoted, g.detector, g.reason, g.score"
            f" FROM {src}.suggestions g JOIN temp.merge_sentences ms ON ms.src_id = g.sentence_id"
            " WHERE 1 ORDER BY g.id"
            " ON CONFLICT (sentence_id, char_start, char_end, label, term) DO NOTHING"
        ).rowcount
        run("CREATE TEMP TABLE merge_suggestions (src_id INTEGER PRIMARY KEY, dst_id INTEGER NOT NULL)")
        run(
            "INSERT INTO temp.merge_suggestions (src_id, dst_id) SELECT g.id, t.id"
            f" FROM {src}.suggestions g JOIN temp.merge_sentences ms ON ms.src_id = g.sentence_id"
            " JOIN main.suggestions t ON t.sentence_id = ms.dst_id AND t.char_start = g.char_start"
            " AND t.char_end = g.char_end AND t.label = g.label AND t.term = g.term"
        )
        before = self._count("suggestion_decisions")
        changed = run(
            "INSERT INTO main.suggestion_decisions (suggestion_id, annotator, decision, decided_at)"
            " SELECT mg.dst_id, d.annotator, d.decision, d.decided_at"
            f" FROM {src}.suggestion_decisions d JOIN temp.merge_suggestions mg ON mg.src_id = d.suggestion_id"
            " WHERE 1 ON CONFLICT (suggestion_id, annotator) DO UPDATE SET decision = excluded.decision,"
            " decided_at = excluded.decided_at WHERE excluded.decided_at > suggestion_decisions.decided_at"
            " AND excluded.decision != suggestion_decisions.decision"
        ).rowcount
        result.decisions_added = self._count("suggestion_decisions") - before
        result.decisions_updated = changed - result.decisions_added
        result.spans_added = run(
            "INSERT INTO main.spans (sentence_id, annotator, char_start, char_end, label, origin, quoted,"
            " lexicon_term, suggestion_id, note, created_at, agreed_by, resolution)"
            " SELECT ms.dst_id, sp.annotator, sp.char_start, sp.char_end, sp.label, sp.origin, sp.quoted,"
            " sp.lexicon_term, mg.dst_id, sp.note, sp.created_at, sp.agreed_by, sp.resolution"
            f" FROM {src}.spans sp JOIN temp.merge_sentences ms ON ms.src_id = sp.sentence_id"
            " LEFT JOIN temp.merge_suggestions mg ON mg.src_id = sp.suggestion_id WHERE 1 ORDER BY sp.id"
            " ON CONFLICT (sentence_id, annotator, char_start, char_end, label) DO NOTHING"
        ).rowcount
        before = self._count("sentence_status")
        changed = run(
            "INSERT INTO main.sentence_status (sentence_id, annotator, status, judgment, flagged, note,"
            " suggestion_mode, first_shown_at, finished_at, judgment_agreed_by, judgment_resolution)"
            " SELECT ms.dst_id, st.annotator, st.status, st.judgment, st.flagged, st.note, st.suggestion_mode,"
            " st.first_shown_at, st.finished_at, st.judgment_agreed_by, st.judgment_resolution"
            f" FROM {src}.sentence_status st JOIN temp.merge_sentences ms ON ms.src_id = st.sentence_id"
            " WHERE 1 ON CONFLICT (sentence_id, annotator) DO UPDATE SET status = excluded.status,"
            " judgment = excluded.judgment, flagged = excluded.flagged, note = excluded.note,"
            " suggestion_mode = excluded.suggestion_mode, first_shown_at = excluded.first_shown_at,"
            " finished_at = excluded.finished_at, judgment_agreed_by = excluded.judgment_agreed_by,"
            " judgment_resolution = excluded.judgment_resolution"
            " WHERE COALESCE(excluded.finished_at, excluded.first_shown_at, '')"
            " > COALESCE(sentence_status.finished_at, sentence_status.first_shown_at, '')"
        ).rowcount
        result.statuses_added = self._count("sentence_status") - before
        result.statuses_updated = changed - result.statuses_added
        # Events: an identical event (sentence mapped) is not added twice. The keys of
        # this project's events go to an indexed temporary table for the check.
        run(
            "CREATE TEMP TABLE merge_events (at TEXT, annotator TEXT, action TEXT, sentence_id INTEGER,"
            " payload TEXT, origin TEXT)"
        )
        run(
            "INSERT INTO temp.merge_events SELECT at, annotator, action, sentence_id, payload, origin"
            " FROM main.events"
        )
        run("CREATE INDEX temp.merge_events_key ON merge_events (at, annotator, action)")
        result.events_added = run(
            "INSERT INTO main.events (at, annotator, action, sentence_id, payload, origin)"
            " SELECT e.at, e.annotator, e.action, ms.dst_id, e.payload, e.origin"
            f" FROM {src}.events e LEFT JOIN temp.merge_sentences ms ON ms.src_id = e.sentence_id"
            " WHERE NOT EXISTS (SELECT 1 FROM temp.merge_events k WHERE k.at = e.at"
            " AND k.annotator = e.annotator AND k.action = e.action AND k.sentence_id IS ms.dst_id"
            " AND k.payload = e.payload AND k.origin = e.origin) ORDER BY e.id"
        ).rowcount
        result.lexicons_added = run(
            "INSERT INTO main.lexicons (name, path, loaded_at) SELECT l.name, l.path, l.loaded_at"
            f" FROM {src}.lexicons l WHERE l.name NOT IN (SELECT name FROM main.lexicons) ORDER BY l.id"
        ).rowcount
        ids = dict(run("SELECT name, id FROM main.lexicons"))
        before = self.conn.total_changes
        self.conn.executemany(
            "INSERT INTO main.lexicon_entries (lexicon_id, term, label, match, forms, exclude, neutral, note,"
            " source, line) VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT (lexicon_id, term, label, match) DO NOTHING",
            [
                (ids[e.lexicon], e.term, e.label, e.match, "|".join(e.forms), "|".join(e.exclude), e.neutral,
                 e.note, e.source, e.line)
                for e in lexicon_entries
            ],
        )  # fmt: skip
        result.lexicon_entries_added = self.conn.total_changes - before
        for table in ("merge_hashes", "merge_documents", "merge_sentences", "merge_suggestions", "merge_events"):
            run(f"DROP TABLE temp.{table}")

    def _count(self, table: str) -> int:
        return int(self._scalar(f"SELECT COUNT(*) FROM main.{table}") or 0)  # type: ignore[call-overload]
