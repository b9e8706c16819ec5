"""The annotation workspace without a screen: sessions, edits with undo, navigation order.

Nothing here imports Textual; `annotator.tui` draws it. Adjudication reuses `Editor`
(undoable, logged edits under any annotator name), `TokenCursor` and the change
records.
"""

from .changes import DecisionChange, Edit, SentenceChange, SpanChange
from .cursor import TokenCursor
from .editing import ActionRefused, Editor
from .launch import Workspace, open_workspace
from .lock import AnnotatorLock
from .order import ORDERS, DocumentOrder, Permutation
from .session import SUGGESTION_MODES, AnnotationSession, check_annotator_name

__all__ = [
    "ORDERS",
    "SUGGESTION_MODES",
    "ActionRefused",
    "AnnotationSession",
    "AnnotatorLock",
    "DecisionChange",
    "DocumentOrder",
    "Edit",
    "Editor",
    "Permutation",
    "SentenceChange",
    "SpanChange",
    "TokenCursor",
    "Workspace",
    "check_annotator_name",
    "open_workspace",
]
