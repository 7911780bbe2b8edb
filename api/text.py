"""Limits on what people type, shared by every endpoint that takes text."""

from tidings.api.errors import ApiError


def check_length(name: str, value: str | None, most: int) -> None:
    if value is not None and len(value) > most:
        raise ApiError(422, f"Validation failed: {name} is too long (maximum is {most} characters)")
