"""What an export wrote, for the command's summary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ExportStats:
    kind: str
    fmt: str
    # Rows written (CSV), objects (JSONL), sentences (CoNLL) or tasks (Label Studio).
    rows: int = 0
    # Spans BIO cannot hold (nested in a longer one, or covering no token), and spans it
    # holds with fewer tokens (cut by a longer one): CoNLL, tokens CSV and hf.
    spans_dropped: int = 0
    spans_kept: int = 0
    spans_cut: int = 0
    path: str | None = None
    unit: str = "rows"
    # Every file written, when there are several (per annotator, per split, sidecars).
    paths: list[str] = field(default_factory=list)

    def add_tagged(self, kept: int, dropped: int, cut: int) -> None:
        self.spans_kept += kept
        self.spans_dropped += dropped
        self.spans_cut += cut
