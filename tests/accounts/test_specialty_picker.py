"""The specialty picker: every form field that picks specialties uses it, and it carries what the search needs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

import accounts.forms
import matching.forms
from accounts import taxonomy_data
from accounts.models import Specialty
from accounts.widgets import SpecialtyPicker, search_words
from matching.filters import MentorFilter
from tests.factories import make_mentee


def specialty_fields() -> Iterator[tuple[str, forms.Field]]:
    """(form.field, field) for every field of our forms whose choices are specialties."""
    for module in (accounts.forms, matching.forms):
        for form in vars(module).values():
            if isinstance(form, type) and issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                for name, field in form.base_fields.items():  # type: ignore[attr-defined]
                    queryset = getattr(field, "queryset", None)
                    if queryset is not None and queryset.model is Specialty:
                        yield f"{form.__name__}.{name}", field
    for name, field in MentorFilter().form.fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and queryset.model is Specialty:
            yield f"MentorFilter.{name}", field


def test_every_field_that_picks_specialties_uses_the_picker() -> None:
    found = dict(specialty_fields())
    assert set(found) >= {
        "MenteeAboutForm.current_specialty",
        "MenteeGoalsForm.target_specialties",
        "MentorProfessionalForm.specialty",
        "MentorProfessionalForm.subspecialties",
        "MentorFilter.specialty",
    }
    plain = [name for name, field in found.items() if not isinstance(field.widget, SpecialtyPicker)]
    assert not plain, f"specialty fields without the picker: {plain}"
    for name, field in found.items():
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        assert field.widget.allow_multiple_selected == multiple, name


def test_search_terms_name_real_specialties_or_certificates() -> None:
    keys = {s.slug for board in taxonomy_data.BOARDS for s in board.specialties}
    keys |= {sub.key for board in taxonomy_data.BOARDS for s in board.specialties for sub in s.subspecialties}
    assert set(taxonomy_data.SEARCH_TERMS) <= keys, set(taxonomy_data.SEARCH_TERMS) - keys


@pytest.mark.django_db
def test_search_words_hold_the_name_the_parent_and_other_names() -> None:
    ent = Specialty.objects.get(slug="otolaryngology-head-and-neck-surgery")
    assert "ENT" in search_words(ent).split()
    sports = Specialty.objects.select_related("parent").get(slug="pediatrics--sports-medicine")
    assert search_words(sports) == "Sports Medicine Pediatrics"
    critical = Specialty.objects.select_related("parent").get(slug="anesthesiology--critical-care-medicine")
    assert "ICU" in search_words(critical).split()  # keyed by the certificate, under every board


@pytest.mark.django_db
def test_goals_step_renders_checkboxes_grouped_with_search_words_and_a_hidden_search_box() -> None:
    client = Client()
    client.force_login(make_mentee().user)
    html = client.get(reverse("accounts:profile_step", args=["goals"])).content.decode()
    assert "data-specialty-picker" in html
    assert '<div class="picker-search" data-picker-search hidden>' in html  # shown by the script
    assert 'data-search="Sports Medicine Family Medicine"' in html
    assert '<span class="visually-hidden"> (Family Medicine)</span>' in html
    assert 'type="checkbox" name="target_specialties"' in html


@pytest.mark.django_db
def test_about_step_keeps_a_plain_select_for_the_current_specialty() -> None:
    profile = make_mentee()
    cardiology = Specialty.objects.get(slug="internal-medicine--cardiovascular-disease")
    profile.current_specialty = cardiology
    profile.save()
    client = Client()
    client.force_login(profile.user)
    html = client.get(reverse("accounts:profile_step", args=["about"])).content.decode()
    assert '<select name="current_specialty"' in html
    assert (
        f'<option value="{cardiology.pk}" data-search="Cardiovascular Disease Internal Medicine cardiology heart"'
        " selected>Cardiovascular Disease (Internal Medicine)</option>" in html
    )
