"""Widgets of the workspace: sentence view, header, details pane, label bar."""
