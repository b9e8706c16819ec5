"""Command palette (ctrl+p) commands of the annotation workspace.

Commands fit the screen that opened the palette: jump to a document (the query is
also matched against the start of document ids), search, suggestion mode (unless the
lead fixed it), statistics, help, and export when the project can export.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from .widgets.sentence_layout import display_text

if TYPE_CHECKING:
    from .screens.annotate import AnnotateScreen


_MODES = (
    ("on", "shown from the start"),
    ("off", "never shown"),
    ("after", "revealed after you press enter"),
)


class WorkspaceCommands(Provider):
    @property
    def workspace(self) -> AnnotateScreen:
        return self.screen

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        screen = self.workspace
        commands: list[tuple[str, Callable[[], object], str]] = [
            ("Jump to document…", screen.action_jump, "Go to a document by id or number (also: g)"),
            ("Search the corpus…", screen.action_search, "Find sentences containing some text (also: /)"),
            ("Statistics", screen.action_statistics, "Progress per annotator and current agreement"),
            ("Help: keys and marks", screen.action_help, "Every key of the workspace (also: ?)"),
        ]
        # A mode the lead fixed (`team set --suggestions`) is her experimental
        # condition: offering to switch it would only lead to a refusal.
        modes = () if screen.session.fixed_mode is not None else _MODES
        for mode, meaning in modes:
            current = " (current)" if screen.session.mode == mode else ""
            commands.append(
                (
                    f"Suggestions: {mode}{current}",
                    lambda mode=mode: screen.set_mode(mode),
                    f"Lexicon suggestions are {meaning}",
                )
            )
        if screen.can_export():
            commands.append(
                ("Export annotations…", screen.action_export, "Write this project's annotations to exports/")
            )
        return commands

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        text = query.strip()
        if len(text) >= 2:
            screen = self.workspace
            for document in screen.find_documents(text):
                title = f"Go to {display_text(document.id)}"
                yield Hit(
                    0.5,
                    Content(title),
                    lambda document_id=document.id: screen.jump_to(document_id),
                    text=title,
                    help=display_text(document.title or ""),
                )
