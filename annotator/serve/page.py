"""The HTML the server sends: the terminal page, and the plain refusal pages.

Nothing here names the project. Text is escaped; the page runs no inline script, so
the Content-Security-Policy can forbid every script but textual-serve's own file.
"""

from __future__ import annotations

from html import escape

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # The token is in the page's URL: never send it on as a Referer.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

_STYLE = """
body { background: #0c181f; margin: 0; color: #eee; font-family: monospace; }
.textual-terminal { width: 100vw; height: 100vh; }
.closed { display: none; position: absolute; inset: 0; align-items: center; justify-content: center; }
body.-closed .closed { display: flex; background: rgba(12, 24, 31, 0.9); z-index: 10; font-size: 18px; }
"""


def terminal_page(static_url: str, websocket_url: str, title: str) -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{escape(title)}</title>
<link rel="stylesheet" href="{escape(static_url)}css/xterm.css">
<style>{_STYLE}</style>
<script src="{escape(static_url)}js/textual.js"></script></head>
<body><div class="closed"><p>Session ended. Everything you did is saved. Reload the page to start again.</p></div>
<div id="terminal" class="textual-terminal" data-session-websocket-url="{escape(websocket_url)}"
 data-font-size="16"></div></body></html>"""


def message_page(title: str, message: str) -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{escape(title)}</title><style>{_STYLE}</style></head>
<body><h1>{escape(title)}</h1><p>{escape(message)}</p></body></html>"""
