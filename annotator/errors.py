"""Errors a user can act on. The CLI prints them as one line on stderr and exits 1."""


class AnnotatorError(Exception):
    """Base class: bad input, missing project, refused operation."""


class ProjectMissing(AnnotatorError):
    pass


class SchemaTooNew(AnnotatorError):
    pass


class NotAProject(AnnotatorError):
    """A SQLite file that holds another application's tables; it is never written to."""


class InputError(AnnotatorError):
    """A file or value the user supplied cannot be used."""


class TagsetError(InputError):
    pass


class ReadOnlyStore(AnnotatorError):
    pass


class RestoreRefused(AnnotatorError):
    """Undo or redo would put a row back over one that is now other work."""
