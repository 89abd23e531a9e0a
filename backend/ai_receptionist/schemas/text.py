"""String types shared by the request and response schemas.

Lengths are Unicode code points (pydantic and JSON Schema both count them so). U+0000 is
refused by a documented pattern; lone surrogates are refused by pydantic itself.
"""

from typing import Annotated

from pydantic import Field

NO_NUL_PATTERN = r"^[^\x00]*$"


def text(*, min_length: int = 0, max_length: int) -> type[str]:
    """A string type with code-point limits and no U+0000."""
    return Annotated[  # type: ignore[return-value]
        str, Field(min_length=min_length, max_length=max_length, pattern=NO_NUL_PATTERN)
    ]


def drop_null_default(schema: dict, *fields: str) -> None:
    """Remove `"default": null` that pydantic writes for optional, non-nullable fields."""
    for name in fields:
        schema["properties"][name].pop("default", None)
