"""Browser access (issue 18): secret links, and the server that turns one into a session."""
