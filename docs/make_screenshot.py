"""Regenerate docs/screenshot.svg, the README's picture of the workspace.

    python docs/make_screenshot.py

Builds the demo project in a temporary folder, opens the workspace at a sentence with
lexicon suggestions, takes a few actions through Pilot and saves Textual's SVG
screenshot. The demo annotator's work stays in the temporary project.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.tui.app import WorkspaceApp
from annotator.workspace import open_workspace

TARGET = Path(__file__).parent / "screenshot.svg"


async def shoot(db_path: Path) -> None:
    with open_workspace(db_path, "ayu", document="001_0da7177c8754087f") as workspace:
        session = workspace.session
        target = next(s for s in session.sentences if "dalih" in s.text)
        session.go_to_sentence(target.id)
        app = WorkspaceApp(session, cursor_blink=False)
        async with app.run_test(size=(110, 32)) as pilot:
            text = session.sentence.text
            word = next(i for i, (a, b) in enumerate(session.tokens) if text[a:b] == "dalih")
            await pilot.press("right", "right", "1")  # a manual span on the third token
            await pilot.press(*["right"] * (word - 2), "a")  # accept the suggestion on "dalih"
            await pilot.press("v", "2", "right", "right", "shift+right")
            await pilot.pause()
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
