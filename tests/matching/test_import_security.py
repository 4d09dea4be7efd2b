"""The import and e-mail addresses (issue 13): one normalisation everywhere, rows checked like profiles.

Findings: an address imported as ``LUCJA.ZOLC@example.net`` could never reset a password;
a subspecialty was accepted as a mentor's specialty; an import into a non-default program
made users with no role; a cell over 131,072 characters, an address over 254 and a NUL
byte in a name gave a 500; a full-width equals sign (U+FF1D) started an exported cell unescaped.
"""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Program, User
from matching.services import csv_io
from tests.factories import PASSWORD, make_coordinator, make_user

pytestmark = pytest.mark.django_db

HEADER = "email,first_name,last_name,role,stage,specialty,profession,institution,capacity,timezone\n"


def imported(rows: str, *, program: Program | None = None) -> csv_io.ImportReport:
    data = (HEADER + rows).encode()
    return csv_io.import_participants(data, program=program or Program.objects.default(), by=make_coordinator())


# --- One form of an address --------------------------------------------------------------------------


def test_an_imported_address_is_stored_lowercased_and_can_reset_its_password() -> None:
    report = imported("  LUCJA.ZOLC@Example.NET ,Łucja,Żółć,mentee,ms1,,,,,\n")
    assert report.imported, report.errors
    user = User.objects.get(last_name="Żółć")
    assert user.email == "lucja.zolc@example.net"
    assert user.emailaddress_set.get().email == "lucja.zolc@example.net"
    Client().post(reverse("account_reset_password"), {"email": "Lucja.Zolc@example.net"})
    assert [message.to for message in mail.outbox] == [["lucja.zolc@example.net"]]


@pytest.mark.parametrize("typed", ["Ana@Example.org", "  ana@example.org  ", "ANA@EXAMPLE.ORG"])
def test_every_way_in_stores_one_form(typed: str) -> None:
    assert User.objects.create_user(email=typed, password=PASSWORD).email == "ana@example.org"


def test_the_admin_stores_one_form() -> None:
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "New.Person@Example.org", "password1": "x-long-passphrase-1", "password2": "x-long-passphrase-1"},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new.person@example.org").exists()


def test_signing_up_stores_one_form() -> None:
    Client().post(
        reverse("account_signup"),
        {
            "email": "Sam.Sign@Example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": "mentee",
            "first_name": "Sam",
            "last_name": "Sign",
            "timezone": "UTC",
        },
    )
    assert User.objects.filter(email="sam.sign@example.org").exists()


def test_a_signin_with_any_case_finds_the_account() -> None:
    user = make_user(email="kim@example.org")
    assert authenticate(None, username="KIM@example.org", password=PASSWORD) == user


def test_the_data_migration_lowercases_existing_rows() -> None:
    user = make_user(email="old@example.org")
    User.objects.filter(pk=user.pk).update(email="Old.Person@Example.ORG")
    user.emailaddress_set.update(email="Old.Person@Example.ORG")
    import_module("accounts.migrations.0005_security").normalise_addresses(apps, None)
    user.refresh_from_db()
    assert user.email == "old.person@example.org"
    assert user.emailaddress_set.get().email == "old.person@example.org"


# --- Rows are checked as the profile pages check them ---------------------------------------------


def test_a_subspecialty_is_not_a_mentors_specialty() -> None:
    report = imported("ben@example.org,Ben,B,mentor,,orthopaedic-surgery--orthopaedic-sports-medicine,md,,,\n")
    assert not report.imported
    assert [(error.line, error.column) for error in report.errors] == [(2, "specialty")]
    assert "subspecialty" in report.errors[0].message


def test_an_import_into_another_program_gives_everyone_their_role() -> None:
    other = Program.objects.create(name="Summer", slug="summer")
    report = imported("ana@example.org,Ana,A,mentee,ms1,,,,,\nben@example.org,Ben,B,mentor,,,md,,,\n", program=other)
    assert report.imported, report.errors
    assert User.objects.get(email="ana@example.org").role == Membership.Role.MENTEE
    assert User.objects.get(email="ben@example.org").role == Membership.Role.MENTOR


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("a\x00b@example.org,Ana,A,mentee,,,,,,", "email"),
        ("ana@example.org,A\x00na,A,mentee,,,,,,", "first_name"),
        ("ana@example.org,Ana,A,mentee,,,,St\x00ate,,", "institution"),
        ("a" * 250 + "@example.org,Ana,A,mentee,,,,,,", "email"),
        ("ana@example.org," + "A" * 151 + ",A,mentee,,,,,,", "first_name"),
        ("ana@example.org,Ana,A,mentee,,,,,," + "x" * 65, "timezone"),
    ],
    ids=["nul-email", "nul-name", "nul-institution", "address-over-254", "name-over-150", "timezone-over-64"],
)
def test_bad_cells_are_reported_by_column(row: str, column: str) -> None:
    report = imported(row + "\n")
    assert not report.imported
    assert column in {error.column for error in report.errors}


def test_a_cell_over_131072_characters_is_reported_on_the_page() -> None:
    client = Client()
    client.force_login(make_coordinator())
    data = (HEADER + 'ana@example.org,Ana,A,mentee,,,,"' + "x" * 140_000 + '",,\n').encode()
    response = client.post(reverse("coordinator:import"), {"file": SimpleUploadedFile("p.csv", data)})
    assert response.status_code == 200
    assert "cannot be read" in response.content.decode()
    assert not User.objects.filter(email="ana@example.org").exists()


def test_an_address_over_254_characters_on_the_import_page_is_a_message() -> None:
    client = Client()
    client.force_login(make_coordinator())
    data = (HEADER + "a" * 260 + "@example.org,Ana,A,mentee,,,,,,\n").encode()
    response = client.post(reverse("coordinator:import"), {"file": SimpleUploadedFile("p.csv", data)})
    assert response.status_code == 200
    assert "not an email address" in response.content.decode()


# --- Exports ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["\uff1dHYPERLINK(1)", "\uff0b1", "\uff0d1", "\uff20SUM(A1)", "\ufe661", "\u207c1"])
def test_formula_starters_after_nfkc_are_escaped(value: str) -> None:
    assert csv_io.escape_cell(value) == "'" + value
    assert csv_io.unescape_cell(csv_io.escape_cell(value)) == value
