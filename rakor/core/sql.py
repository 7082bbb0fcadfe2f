"""Small SQL helpers shared by every feature's queries."""
from sqlalchemy import func


def escape_like(text: str) -> str:
    """`text` as a literal inside a LIKE pattern (with `escape='\\'`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column, text: str, *, case_insensitive=True):
    """`column` contains `text` literally: `%` and `_` typed by a user match themselves."""
    pattern = f"%{escape_like(text.lower() if case_insensitive else text)}%"
    target = func.lower(column) if case_insensitive else column
    return target.like(pattern, escape="\\")
