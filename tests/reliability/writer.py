"""A child process for the concurrency and crash tests: writes annotations through the Store.

Run as a script: `python writer.py DB ANNOTATOR COUNT [--first N] [--batch-every K]
[--batch-size B] [--pause-ms MS] [--wait] [--open-only] [--latency]`.

Each write is one transaction holding a span and its event, as the UI makes them.
Every `--batch-every`-th write is instead one transaction of `--batch-size` spans and
events, so a kill can land inside a multi-row transaction. `--pause-ms` sleeps between
writes, as a reviewer pauses between key presses: SQLite's busy handler is not fair, and
writers in a tight loop can take turns whole runs at a time. After each commit the child
prints `committed FIRST LAST` (the write numbers it covered) and flushes, so the parent
knows exactly which writes the child saw committed; with `--latency` the line ends with
the seconds the transaction took, waiting for the write lock included. With `--wait` it prints `ready`
and waits for a line on stdin first, so that many writers start at the same moment.
Errors go to stderr as one line and exit with code 1.
"""

from __future__ import annotations

import argparse
import sys
import time

LABELS = ("loaded_language", "name_calling", "epistemic_framing", "scare_quotes", "euphemism")


def span_for(write: int, sentence_ids: list[int], annotator: str):
    """The span of write number `write`: a unique identity per (annotator, write)."""
    from annotator.model import SpanAnnotation

    n = len(sentence_ids)
    start = write // n
    return SpanAnnotation(
        sentence_ids[write % n], annotator, start, start + 1, LABELS[write % len(LABELS)], note=f"w{write}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("annotator")
    parser.add_argument("count", type=int)
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--batch-every", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--pause-ms", type=float, default=0.0)
    parser.add_argument("--wait", action="store_true")
    parser.add_argument("--open-only", action="store_true")
    parser.add_argument("--latency", action="store_true")
    args = parser.parse_args(argv)

    from annotator.model import Event
    from annotator.store import Store

    try:
        if args.wait:
            print("ready", flush=True)
            sys.stdin.readline()
        store = Store.open(args.db, create=args.open_only)
        if args.open_only:
            print("opened " + ",".join(store.schema_version()), flush=True)
            store.close()
            return 0
        sentence_ids = [s.id for s in store.corpus.iter_sentences()]
        write, last = args.first, args.first + args.count
        step = 0
        while write < last:
            step += 1
            size = args.batch_size if args.batch_every and step % args.batch_every == 0 else 1
            size = min(size, last - write)
            began = time.perf_counter()
            with store.transaction():
                for number in range(write, write + size):
                    span = store.annotations.add_span(span_for(number, sentence_ids, args.annotator))
                    store.annotations.append_event(
                        Event(args.annotator, "add_span", {"write": number, "span": span.id}, span.sentence_id)
                    )
            took = f" {time.perf_counter() - began:.4f}" if args.latency else ""
            print(f"committed {write} {write + size - 1}{took}", flush=True)
            write += size
            if args.pause_ms:
                time.sleep(args.pause_ms / 1000)
        store.close()
    except Exception as exc:  # noqa: BLE001 - the parent asserts on this line
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
