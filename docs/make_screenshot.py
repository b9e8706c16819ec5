"""Regenerate docs/screenshot.svg, the README's picture of the workspace.

    python docs/make_screenshot.py

Builds the demo project in a temporary folder and opens the workspace on the second
sample, at the sentence "AS menempatkan sekitar 2.500 tentara di Irak dengan dalih
memerangi kelompok teroris Daesh ...". Before that, the annotator has accepted the
quoted "genosida" above it and "teroris" below it, and marked "pengecut" herself
(rejecting the lexicon's wider phrase around it). In the focus sentence she accepts
"dalih" (a pretext: epistemic framing), and the cursor moves on to the pending
name-calling suggestion "teroris". The work stays in the temporary project.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.tui.app import SessionApp
from annotator.workspace import open_workspace

TARGET = Path(__file__).parent / "screenshot.svg"
ARTICLE = "001_0da7177c8754087f"
SIZE = (120, 36)


def _word(session, text: str) -> int:
    sentence = session.sentence.text
    return next(i for i, (a, b) in enumerate(session.tokens) if sentence[a:b] == text)


async def shoot(db_path: Path) -> None:
    with open_workspace(db_path, "ayu", document=ARTICLE) as workspace:
        session = workspace.session
        store = session.store

        def go(index: int) -> None:
            session.go_to_sentence(store.corpus.sentence_at(ARTICLE, index).id)

        for index in (11, 13):
            go(index)
            session.accept_all()
        go(15)
        session.place(_word(session, "pengecut"))
        session.apply_label("1")
        session.place(_word(session, "serangan"))
        session.reject()
        go(12)
        app = SessionApp(session, cursor_blink=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            # After `a` the cursor goes on to the next pending suggestion, "teroris".
            await pilot.press(*["right"] * _word(session, "dalih"), "a")
            await pilot.pause()
            assert session.cursor.position == _word(session, "teroris")
            app.save_screenshot(str(TARGET.name), path=str(TARGET.parent))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "demo.db"
        result = CliRunner().invoke(cli, ["demo", "--db", str(db_path), "--no-ui"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        asyncio.run(shoot(db_path))
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
