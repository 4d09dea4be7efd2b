"""Validators for profile fields (NPI numbers, timezones, weekly availability slots) and yes/no query words."""

import re
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError

# One slot an hour, every hour of the week: more is never needed, and a bound on work per request.
MAX_SLOTS = 7 * 24
# Database ids the API and forms accept: positive and within a 32-bit integer.
MAX_ID = 2**31 - 1
# Items in any list a person sends (specialties, topics, ids): far above real use.
MAX_LIST_ITEMS = 200

_TIME = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")


def npi_check_digit(first_nine: str) -> int:
    """The Luhn check digit of an NPI, computed over the prefix 80840 + the first nine digits.

    This is how CMS defines it: an NPI is a 10-digit number whose last digit makes
    "80840" + the full number pass the Luhn check (the ISO card-issuer prefix for US health).
    """
    digits = [int(d) for d in "80840" + first_nine]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:  # doubled, counting from the right of the payload
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def validate_npi(value: str) -> None:
    if not re.fullmatch(r"\d{10}", value or ""):
        raise ValidationError("An NPI is exactly 10 digits.", code="npi_format")
    if value[0] not in "12":
        raise ValidationError("An NPI starts with 1 or 2.", code="npi_format")
    if npi_check_digit(value[:9]) != int(value[9]):
        raise ValidationError("This is not a valid NPI: its check digit does not match.", code="npi_check_digit")


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not a known time zone, e.g. America/New_York.") from None


def validate_slots(value: Any) -> None:
    """Weekly availability: a list of {"day": 0-6 (Monday=0), "start": "HH:MM", "end": "HH:MM"}."""
    if not isinstance(value, list):
        raise ValidationError("Availability must be a list of weekly slots.")
    if len(value) > MAX_SLOTS:
        raise ValidationError(f"At most {MAX_SLOTS} weekly slots: merge neighbouring ones.")
    for slot in value:
        if not isinstance(slot, dict) or set(slot) != {"day", "start", "end"}:
            raise ValidationError("Each slot needs a day, a start and an end.")
        if not isinstance(slot["day"], int) or not 0 <= slot["day"] <= 6:
            raise ValidationError("A slot's day is 0 (Monday) to 6 (Sunday).")
        if not (isinstance(slot["start"], str) and _TIME.match(slot["start"])):
            raise ValidationError("A slot's start is a time like 18:00.")
        if not (isinstance(slot["end"], str) and _TIME.match(slot["end"])):
            raise ValidationError("A slot's end is a time like 20:00.")
        if slot["end"] <= slot["start"]:
            raise ValidationError("A slot must end after it starts.")


def normalise_email(address: str) -> str:
    """The one form of an e-mail address the app stores and compares: trimmed and lowercased.

    Lowercasing the local part too is deliberate: no mail provider in practice treats
    ``Lucja.Zolc`` and ``lucja.zolc`` as different people, and allauth already lowercases
    at sign-up, so every path (sign-up, import, admin, API) agrees with it.
    """
    return address.strip().lower()


# The words a yes/no query parameter may be, on a page or in the API (case does not matter).
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})
FLAG_MESSAGE = "Must be true or false (also 1 or 0, yes or no, on or off)."


def parse_flag(value: Any) -> bool:
    """A yes/no query word as a bool: ``TRUE_WORDS`` are True, ``FALSE_WORDS`` False.

    Anything else raises ``ValidationError`` (``FLAG_MESSAGE``), so ``?related=maybe`` is an
    error rather than a quiet "yes".
    """
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(FLAG_MESSAGE, code="invalid")
