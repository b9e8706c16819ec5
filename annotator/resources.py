"""Where the bundled data lives, in a source checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def lexicons_dir() -> Path:
    # The wheel force-includes lexicons/ inside the package; a source checkout or an
    # editable install keeps it at the top level.
    for candidate in (_PACKAGE / "lexicons", _PACKAGE.parent / "lexicons"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the bundled lexicons/ folder is missing from this installation")


def default_tagset_path() -> Path:
    return lexicons_dir() / "tagset.toml"


def default_lexicon_path() -> Path:
    return lexicons_dir() / "id-loaded-language.csv"


def samples_dir() -> Path:
    return _PACKAGE / "samples"


def sample_paths() -> list[Path]:
    return sorted(samples_dir().glob("*.txt"))
