"""Screens of the workspace: annotation, help, statistics and the modal dialogs."""
