"""The links room: browser links of roster members (issue 18), as `store.links`.

Only a hash of each token is stored. `holder()` is asked on every new page and every
new session, so a rotated or revoked link stops working at once, even for a server
that is already running.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..clock import now_iso
from .room import Room

PUBLIC_URL_KEY = "serve.public_url"


@dataclass(frozen=True)
class LinkHolder:
    name: str
    role: str  # annotator or curator
    active: bool


class Links(Room):
    def state(self, name: str) -> str | None:
        """None (never had a link), 'active' or 'revoked'."""
        row = self._one("SELECT token_hash FROM serve_links WHERE name = ?", [name])
        if row is None:
            return None
        return "active" if row[0] is not None else "revoked"

    def set_hash(self, name: str, token_hash: str) -> None:
        """A new token for `name`; any earlier one stops working in the same commit."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO serve_links (name, token_hash, created_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET token_hash = excluded.token_hash,"
                " created_at = excluded.created_at, revoked_at = NULL",
                [name, token_hash, now_iso()],
            )

    def revoke(self, name: str) -> bool:
        with self.transaction():
            cursor = self.conn.execute(
                "UPDATE serve_links SET token_hash = NULL, revoked_at = ? WHERE name = ? AND token_hash IS NOT NULL",
                [now_iso(), name],
            )
        return cursor.rowcount > 0

    def holder(self, token_hash: str) -> LinkHolder | None:
        """Who a token hash belongs to, if the link is live and its holder on the roster."""
        row = self._one(
            "SELECT a.name, a.role, a.active FROM serve_links l JOIN annotators a ON a.name = l.name"
            " WHERE l.token_hash = ? AND a.on_roster = 1",
            [token_hash],
        )
        return LinkHolder(row[0], row[1], bool(row[2])) if row else None

    def public_url(self) -> str | None:
        return self.store.get_meta(PUBLIC_URL_KEY)

    def remember_public_url(self, url: str) -> None:
        if self.public_url() != url:
            self.store.set_meta(PUBLIC_URL_KEY, url)
