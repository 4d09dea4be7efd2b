"""The specialty picker: the one widget of every form field that picks specialties.

Without JavaScript it is a plain form control: a ``<select>`` for one specialty, checkboxes
grouped under their parent specialty for several. ``static/js/specialty-picker.js`` then shows
a search box above it that filters the options as the person types (docs/accessibility.md).
"""

from __future__ import annotations

from typing import Any

from django.forms.widgets import ChoiceWidget

from accounts.models import Specialty
from accounts.taxonomy_data import SEARCH_TERMS


def search_words(specialty: Specialty) -> str:
    """What a search for ``specialty`` may match: its name, its parent's name and its ``SEARCH_TERMS``.

    A subspecialty's terms are looked up by its slug and by its certificate key (the part of
    the slug after ``--``), so one entry covers the certificate under every board.
    """
    words = [specialty.name]
    if specialty.parent_id and specialty.parent:
        words.append(specialty.parent.name)
    key = specialty.slug.partition("--")[2]
    words += SEARCH_TERMS.get(specialty.slug, ())
    if key:
        words += SEARCH_TERMS.get(key, ())
    return " ".join(words)


class SpecialtyPicker(ChoiceWidget):
    """Pick one specialty (``multiple=False``: a select) or several (``multiple=True``: checkboxes).

    The choices must be a model choice field's ``Specialty`` choices with ``parent`` selected
    (``select_related("parent")``): each option carries ``data-search`` (``search_words``) for
    the script, and the checkboxes are grouped under their parent, one ``<details>`` per
    specialty, open where something is chosen. ``search_label`` labels the search box; give
    each picker on one page its own.
    """

    template_name = "accounts/widgets/specialty_picker.html"

    def __init__(
        self, attrs: dict[str, Any] | None = None, *, multiple: bool = False, search_label: str = "Search specialties"
    ) -> None:
        super().__init__(attrs)
        self.allow_multiple_selected = multiple
        self.input_type = "checkbox" if multiple else "select"
        self.use_fieldset = multiple
        self.search_label = search_label

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        options = [option for _, group, _ in context["widget"]["optgroups"] for option in group]
        for option in options:
            specialty = getattr(option["value"], "instance", None)
            option["parent"] = specialty.parent.name if specialty and specialty.parent_id else ""
            option["search"] = search_words(specialty) if specialty else ""
        widget = context["widget"]
        widget["search_label"] = self.search_label
        widget["options"] = options
        widget["multiple"] = self.allow_multiple_selected
        if self.allow_multiple_selected:
            widget["groups"] = self._groups(options)
        return context

    @staticmethod
    def _groups(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """[{"legend", "options", "checked"}]: by parent name; a specialty first, then its subspecialties."""
        by_legend: dict[str, list[dict[str, Any]]] = {}
        for option in options:
            by_legend.setdefault(option["parent"] or option["value"].instance.name, []).append(option)
        return [
            {
                "legend": legend,
                "options": sorted(group, key=lambda option: (bool(option["parent"]), str(option["label"]))),
                "checked": sum(1 for option in group if option["selected"]),
            }
            for legend, group in sorted(by_legend.items())
        ]

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        # Several checkboxes: the legend names the group, no label points at one box.
        if index is None:
            return "" if self.allow_multiple_selected else id_
        return super().id_for_label(id_, index)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        # An unticked box sends nothing: that is an empty choice, not an omitted field.
        return False if self.allow_multiple_selected else super().value_omitted_from_data(data, files, name)
