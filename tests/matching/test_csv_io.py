"""CSV export (no sensitive attribute, formula-escaped) and the all-or-nothing participant import."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Background, Membership, MenteeProfile, MentorProfile, Program, User
from matching.services import csv_io
from tests.factories import give_background, make_coordinator, make_mentee, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db

GOOD_FILE = (
    "email,first_name,last_name,role,stage,specialty,profession,institution,capacity,timezone\n"
    "ana@example.org,Ana,Ruiz,mentee,ms1,orthopaedic-surgery;emergency-medicine,,State University,,America/Chicago\n"
    "ben@example.org,Ben,Okafor,mentor,,orthopaedic-surgery,md,General Hospital,3,America/New_York\n"
    "\n"
    "cy@example.org,Cy,Li,mentee,,,,,,\n"
)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _export(kind: str) -> str:
    out = io.StringIO()
    exporter = csv_io.export_matches if kind == "matches" else csv_io.export_participants
    exporter(out, program=Program.objects.default(), by=make_coordinator())
    return out.getvalue()


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        MenteeProfile.objects.count(),
        MentorProfile.objects.count(),
    )


# --- Escaping ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+1 555 0100", "'+1 555 0100"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("Plain name", "Plain name"),
        ("a=b", "a=b"),
        (None, ""),
        (4, "4"),
    ],
)
def test_cells_a_spreadsheet_would_run_as_formulas_are_escaped(value: object, written: str) -> None:
    assert csv_io.escape_cell(value) == written


def test_unescape_undoes_escape_only_for_escaped_formulas() -> None:
    assert csv_io.unescape_cell("'=1+1") == "=1+1"
    assert csv_io.unescape_cell("'quoted") == "'quoted"


def test_export_escapes_formula_cells_from_user_input() -> None:
    mentee = make_mentee()
    mentee.user.first_name = '=HYPERLINK("http://evil.example","click")'
    mentee.user.last_name = "@SUM(1)"
    mentee.user.save()
    make_mentorship(mentee=mentee)
    for kind in ("matches", "participants"):
        text = _export(kind)
        assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text and ',"=HYPERLINK' not in text
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert not [cell for cell in cells if cell.startswith(csv_io.FORMULA_TRIGGERS)]
        assert any(cell.startswith("'=HYPERLINK") or cell.startswith("'@SUM") for cell in cells)


# --- No sensitive attribute ----------------------------------------------------------------

VALUES = {
    Background.Attribute.GENDER_IDENTITY: list(Background.Gender.values),
    Background.Attribute.RACE_ETHNICITY: [[value] for value in Background.Race.values],
}


def _seed_everyone_with_every_attribute() -> None:
    """People with every background attribute at every visibility, matched, with preferences."""
    visibilities = list(Background.Visibility.values)
    n = 0
    for index in range(len(Background.Race.values)):
        mentee = make_mentee(
            comfort_preferences={"race_ethnicity": "must", "gender_identity": "important"},
            targets=("orthopaedic-surgery",),
        )
        mentor = make_mentor(preferred_groups=["women", "urm", "lgbtq"], npi=f"99999{index:05d}")
        make_mentorship(mentee=mentee, mentor=mentor)
        for person in (mentee.user, mentor.user):
            for attribute in Background.Attribute.values:
                visibility = visibilities[n % len(visibilities)]
                n += 1
                if attribute in VALUES:
                    options = VALUES[attribute]
                    value = options[index % len(options)]
                else:
                    value = True
                give_background(person, attribute, value, visibility)


def _forbidden_words() -> set[str]:
    words: set[str] = set()
    for choices in (Background.Attribute, Background.Gender, Background.Race):
        for value, label in choices.choices:
            words |= {value.lower(), str(label).lower()}
    words |= {"comfort", "preferred", "women", "must", "private", "coordinators", "everyone", "true", "false"}
    return words


@pytest.mark.parametrize("kind", ["matches", "participants"])
def test_exports_contain_no_background_attribute_at_any_visibility(kind: str) -> None:
    _seed_everyone_with_every_attribute()
    assert Background.objects.filter(visibility=Background.Visibility.EVERYONE).exists()
    text = _export(kind)
    rows = _rows(text)
    assert len(rows) >= 7
    cells = {cell.lower() for row in rows for cell in row.values()} | {h.lower() for h in rows[0]}
    # Whole cells first (exact values), then substrings of any cell for the longer words.
    for word in _forbidden_words():
        assert word not in cells, word
        if len(word) > 4:
            assert word not in text.lower(), word
    # NPI numbers are left out too (see csv_io's docstring). Whole numbers: "99999" alone also
    # turns up in a timestamp's microseconds now and then.
    npis = [f"99999{index:05d}" for index in range(len(Background.Race.values))]
    assert not [npi for npi in npis if npi in text]


def test_export_has_the_agreed_columns_only() -> None:
    make_mentorship()
    assert next(csv.reader(io.StringIO(_export("matches")))) == list(csv_io.MATCH_COLUMNS)
    assert next(csv.reader(io.StringIO(_export("participants")))) == list(csv_io.PARTICIPANT_COLUMNS)


def test_export_views_download_csv_and_are_audited(client: Client) -> None:
    client.force_login(make_coordinator())
    live = make_mentorship()
    response = client.get(reverse("coordinator:export_matches"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert live.mentee.email in response.content.decode()
    response = client.get(reverse("coordinator:export_participants"))
    assert live.mentor.email in response.content.decode()
    targets = set(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORTED).values_list("target", flat=True))
    assert targets == {"matches.csv", "participants.csv"}


# --- Import --------------------------------------------------------------------------------


def test_a_good_file_imports_everyone_with_a_report() -> None:
    coordinator = make_coordinator()
    before = _counts()
    report = csv_io.import_participants(GOOD_FILE.encode(), program=Program.objects.default(), by=coordinator)
    assert report.ok and report.imported
    assert [(row.line, row.email, row.role) for row in report.rows] == [
        (2, "ana@example.org", "mentee"),
        (3, "ben@example.org", "mentor"),
        (5, "cy@example.org", "mentee"),
    ]
    users, memberships, mentees, mentors = _counts()
    assert (users, memberships, mentees, mentors) == (
        before[0] + 3,
        before[1] + 3,
        before[2] + 2,
        before[3] + 1,
    )
    ana = User.objects.get(email="ana@example.org")
    assert ana.timezone == "America/Chicago" and not ana.has_usable_password()
    assert ana.mentee_profile.stage == "ms1"
    assert ana.mentee_profile.school == "State University"
    assert set(ana.mentee_profile.target_specialties.values_list("slug", flat=True)) == {
        "orthopaedic-surgery",
        "emergency-medicine",
    }
    ben = User.objects.get(email="ben@example.org").mentor_profile
    assert (ben.specialty.slug, ben.profession, ben.capacity) == ("orthopaedic-surgery", "md", 3)
    assert ben.verification == MentorProfile.Verification.UNVERIFIED
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORTED)
    assert event.actor == coordinator and event.detail == {"mentees": 2, "mentors": 1}


BAD_ROWS = [
    ("not-an-email,X,Y,mentee,,,,,,", "email"),
    ("d@example.org,D,E,coordinator,,,,,,", "role"),
    ("d@example.org,D,E,mentee,ms9,,,,,", "stage"),
    ("d@example.org,D,E,mentee,,no-such-specialty,,,,", "specialty"),
    ("d@example.org,D,E,mentor,,,md,,99,", "capacity"),
    ("d@example.org,D,E,mentor,ms1,,,,,", "stage"),
    ("d@example.org,D,E,mentee,,,,,,Mars/Olympus", "timezone"),
    ("ana@example.org,Ana,Again,mentee,,,,,,", "email"),  # the same address as line 2
]


@pytest.mark.parametrize(("bad_row", "column"), BAD_ROWS)
def test_a_file_with_one_bad_row_imports_nothing(bad_row: str, column: str) -> None:
    coordinator = make_coordinator()
    before = _counts()
    data = (GOOD_FILE.rstrip("\n") + "\n" + bad_row + "\n").encode()
    report = csv_io.import_participants(data, program=Program.objects.default(), by=coordinator)
    assert not report.imported
    assert [(error.line, error.column) for error in report.errors] == [(6, column)]
    assert _counts() == before
    assert not User.objects.filter(email__in=["ana@example.org", "ben@example.org"]).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORTED).exists()


def test_an_address_already_registered_is_reported_whatever_its_case() -> None:
    make_mentee(email="ana@example.org")
    coordinator = make_coordinator()
    before = _counts()
    report = csv_io.import_participants(
        GOOD_FILE.replace("ana@example.org", "ANA@Example.org").encode(),
        program=Program.objects.default(),
        by=coordinator,
    )
    assert [(e.line, e.column) for e in report.errors] == [(2, "email")]
    assert _counts() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,role\nx,mentee\n", "no \u201cemail\u201d column"),
        (b"email,role,shoe_size\nx@example.org,mentee,9\n", "Unknown column"),
        ("email,role\n\u00e9@example.org,mentee\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_a_malformed_file_is_refused_as_a_whole(data: bytes, message: str) -> None:
    coordinator = make_coordinator()
    before = _counts()
    report = csv_io.import_participants(data, program=Program.objects.default(), by=coordinator)
    assert message in report.errors[0].message
    assert _counts() == before


def test_a_dry_run_checks_and_imports_nothing() -> None:
    coordinator = make_coordinator()
    before = _counts()
    report = csv_io.import_participants(
        GOOD_FILE.encode(), program=Program.objects.default(), by=coordinator, dry_run=True
    )
    assert report.ok and len(report.rows) == 3 and not report.imported
    assert _counts() == before


def test_an_exported_participants_file_reads_back_as_valid() -> None:
    make_mentorship()
    text = _export("participants")
    User.objects.filter(memberships__role__in=["mentee", "mentor"]).delete()
    report = csv_io.parse_participants(text.encode())
    assert report.ok, report.errors
    assert {row.role for row in report.rows} == {"mentee", "mentor"}


def test_import_page_reports_errors_by_line_and_imports_nothing(client: Client) -> None:
    client.force_login(make_coordinator())
    before = _counts()  # after the coordinator exists
    upload = SimpleUploadedFile("people.csv", (GOOD_FILE + "bad,,,nobody,,,,,,\n").encode(), "text/csv")
    response = client.post(reverse("coordinator:import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported." in page
    assert "<td>6</td><td>email</td>" in page
    assert _counts() == before


def test_import_page_imports_a_good_file(client: Client) -> None:
    client.force_login(make_coordinator())
    upload = SimpleUploadedFile("people.csv", GOOD_FILE.encode(), "text/csv")
    response = client.post(reverse("coordinator:import"), {"file": upload})
    assert "Imported 3 participants" in response.content.decode()
    assert User.objects.filter(email="ben@example.org").exists()
