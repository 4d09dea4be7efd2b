"""URL converters shared by every urlconf (registered once, on import)."""

from django.urls import register_converter

from accounts.validators import MAX_ID


class IdConverter:
    """``<id:pk>``: a database id, 1 to ``MAX_ID``; anything else is no match (a 404), never an overflow."""

    regex = "[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(f"{value} is not an id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
