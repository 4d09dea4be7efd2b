"""Text people write, stored without the characters that let it disguise itself.

Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069: Unicode
Standard Annex #9, "Unicode Bidirectional Algorithm") reorder how the text *after* them
is displayed: "invoice\u202egpj.exe" reads as "invoiceexe.jpg", and an unclosed override
in a message can reverse the name, date or button that follows it on the page or in an
email. Other control characters (C0 and C1, except tab, line feed and carriage return)
have no place in a bio or a message either. Both kinds are removed when a row is saved,
whatever path wrote it (a page, the API, the admin, an import, a shell): see
``strip_controls_on_save``. Right-to-left scripts themselves (Arabic, Hebrew) and the
implicit marks U+200E/U+200F, U+061C, which affect only the character beside them, are
kept, as are the joiners U+200C/U+200D that Persian and emoji need.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models

# Embeddings and overrides (LRE, RLE, PDF, LRO, RLO), isolates (LRI, RLI, FSI, PDI), and
# C0/C1 controls other than \t \n \r.
_DISGUISING = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# The apps whose rows hold text people write; Django's own (sessions, admin log) are not ours.
APPS = frozenset({"accounts", "matching"})


def plain_text(value: str) -> str:
    """``value`` without bidirectional embedding/override/isolate controls and C0/C1 controls.

    Idempotent; keeps tab, line feed and carriage return, and every printable character
    of every script. ``plain_text("abc\\u202edef") == "abcdef"``.
    """
    return _DISGUISING.sub("", value)


def strip_controls_on_save(
    sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any
) -> None:
    """``pre_save`` receiver: every CharField and TextField of our apps' rows through ``plain_text``.

    Runs for ``save()`` and therefore for forms, serializers and the admin; fixtures
    (``raw``) are stored as written. ``update_fields`` limits it to the fields being saved.
    """
    if raw or sender._meta.app_label not in APPS:
        return
    update_fields = kwargs.get("update_fields")
    for field in sender._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if update_fields is not None and field.name not in update_fields:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            cleaned = plain_text(value)
            if cleaned != value:
                setattr(instance, field.attname, cleaned)
