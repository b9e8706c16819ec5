#!/usr/bin/env python3
"""An example outside model for `annotator suggest --command`.

It reads sentences as JSONL on stdin and writes one span per line on stdout for
every token that is one of the given words, with the given label:

    annotator suggest --command "python examples/keyword_tagger.py --label loaded_language rezim antek"

A real one would call an IndoBERT model or an LLM here; the protocol is the same:
in `{"id", "text", "tokens", "document_id"}`, out `{"id", "start", "end", "label",
"score", "reason"}` (score and reason optional). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True, help="the label of every span")
    parser.add_argument("words", nargs="+", help="words to tag (matched lower-cased, token by token)")
    args = parser.parse_args()
    words = {w.lower() for w in args.words}
    for line in sys.stdin:
        if not line.strip():
            continue
        sentence = json.loads(line)
        text = sentence["text"]
        for start, end in sentence["tokens"]:
            if text[start:end].lower() in words:
                print(json.dumps({"id": sentence["id"], "start": start, "end": end, "label": args.label,
                                  "score": 1.0, "reason": f"keyword {text[start:end].lower()!r}"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
