"""What a command-line option takes, read the same way across typer versions.

typer >= 0.29 describes an option's type with ``opt.type_descriptor``; earlier
versions (and the click they wrap or vendor) with ``opt.type`` itself.
"""

from __future__ import annotations

from typing import Any


def choices(opt: Any) -> list[str] | None:
    """The values an option accepts, or None when it is not a fixed set."""
    descriptor = getattr(opt, "type_descriptor", None)
    if descriptor is not None:
        if not descriptor.is_choice:
            return None
        return [str(getattr(c, "value", c)) for c in descriptor.choices or ()]
    values = getattr(opt.type, "choices", None)
    return None if not values else [str(getattr(c, "value", c)) for c in values]


def is_path(opt: Any) -> bool:
    """Whether an option takes a file or directory name."""
    descriptor = getattr(opt, "type_descriptor", None)
    if descriptor is not None:
        return bool(descriptor.is_path)
    return type(opt.type).__name__ == "Path"
