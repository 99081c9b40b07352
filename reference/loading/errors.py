class ReferenceDataError(Exception):
    """A reference file is missing or malformed; the message names the file and, where known, the line."""


def at(path: object, line: int | None = None) -> str:
    """The location prefix of every error message: 'FILE, line N' (or just 'FILE')."""
    return f"{path}, line {line}" if line else str(path)
