"""A child process for the concurrent-sessions test: one annotator's workspace, driven by Pilot.

Run as a script: `python ui_session.py DB ANNOTATOR LABEL_KEY SENTENCES`. It opens the
workspace, prints `ready` and waits for `go`; then on each of SENTENCES sentences it
labels the second token and marks the sentence done (`right`, LABEL_KEY, `enter`),
prints `edited` and waits for `check`; then it revisits those sentences and prints one
JSON line: the annotators whose spans each sentence shows it. Errors: one line, exit 1.
"""

from __future__ import annotations

import asyncio
import json
import sys


async def main(db: str, annotator: str, key: str, sentences: int) -> None:
    from annotator.tui.app import SessionApp
    from annotator.workspace.launch import open_workspace

    with open_workspace(db, annotator) as workspace:
        session = workspace.session
        app = SessionApp(session, cursor_blink=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            print("ready", flush=True)
            sys.stdin.readline()
            visited = []
            for _ in range(sentences):
                visited.append(session.sentence_id)
                await pilot.press("right", key, "enter")
                await pilot.pause()
            print("edited", flush=True)
            sys.stdin.readline()
            seen = {}
            for sentence_id in visited:
                session.go_to_sentence(sentence_id)
                await pilot.pause()
                seen[sentence_id] = sorted(
                    {item.annotator for _, _, item in session.items() if hasattr(item, "annotator")}
                )
            print(json.dumps({"readonly": session.readonly, "seen": seen}), flush=True)


if __name__ == "__main__":
    try:
        asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
    except Exception as exc:  # noqa: BLE001 - the parent asserts on this line
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        sys.exit(1)
