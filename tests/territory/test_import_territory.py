"""``manage.py import_territory``: an official sheet updates the territory, all or nothing."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from baladiya.territory.models import Commune, Wilaya

pytestmark = pytest.mark.django_db

HEADER = (
    "wilaya_number;wilaya_name_fr;wilaya_name_ar;daira_name_fr;daira_name_ar;"
    "commune_name_fr;commune_name_ar;postal_code;ons_code"
)
# Aïn Defla with its official spelling, and Bir-Ould-Khelifa written as the ONS writes it.
SHEET = [
    HEADER,
    "44;Aïn Defla;عين الدفلى;Bathia;بطحية;Bathia;بطحية;44041;4431",
    "44;Aïn Defla;عين الدفلى;Bathia;بطحية;Belaas;بلعاص;44038;4436",
    "44;Aïn Defla;عين الدفلى;Bathia;بطحية;Hassania;الحسانية;44022;4418",
    "44;Aïn Defla;عين الدفلى;Bordj El Emir Khaled;برج الأمير خالد;Bir Ouled Khelifa;"
    "بئر أولاد خليفة;44043;4419",
]


def write_sheet(tmp_path: Path, lines: list[str]) -> Path:
    # As Excel saves "CSV UTF-8": byte-order mark, ';' and CRLF.
    path = tmp_path / "territoire.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig") + b"\r\n")
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_territory", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_sheet_updates_names_and_is_idempotent(tmp_path):
    renamed = Commune.objects.get(ons_code="4419")
    path = write_sheet(tmp_path, SHEET)

    out, err = run(path)

    assert err == ""
    assert "Wilayas: 0 created, 1 updated, 0 unchanged" in out
    assert "Daïras: 0 created, 0 updated, 2 unchanged" in out
    assert "Communes: 0 created, 1 updated, 3 unchanged" in out
    assert "4 rows imported" in out
    wilaya = Wilaya.objects.get(number=44)
    assert (wilaya.name_fr, wilaya.name_en) == ("Aïn Defla", "Ain Defla")  # no _en column: kept
    commune = Commune.objects.get(pk=renamed.pk)  # found by its ONS code: same row
    assert (commune.name_fr, commune.name_ar) == ("Bir Ouled Khelifa", "بئر أولاد خليفة")
    assert Commune.objects.count() == 1541
    # The rest of the wilaya is not in the sheet: listed, not deleted.
    assert "communes of these wilayas are in the database but not in the sheet" in out
    assert "44 Rouina / Zeddine" in out

    out, err = run(path)

    assert "Wilayas: 0 created, 0 updated, 1 unchanged" in out
    assert "Daïras: 0 created, 0 updated, 2 unchanged" in out
    assert "Communes: 0 created, 0 updated, 4 unchanged" in out


def test_a_rejected_row_imports_nothing(tmp_path):
    lines = [SHEET[0], SHEET[1], SHEET[2].replace("44038", "12AB"), SHEET[3]]  # line 3: bad
    path = write_sheet(tmp_path, lines)
    err = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_territory", str(path), stdout=io.StringIO(), stderr=err)

    # manage.py turns a CommandError into this exit status.
    assert error.value.returncode != 0
    assert str(error.value) == "1 line rejected: nothing was imported. Fix it and run again."
    assert "line 3: postal code '12AB' is not 5 digits" in err.getvalue()
    assert "line 2" not in err.getvalue()
    assert Wilaya.objects.get(number=44).name_fr == "Ain Defla"  # line 2 was not applied


def test_missing_column_is_reported_on_line_1(tmp_path):
    path = write_sheet(tmp_path, [HEADER.replace("daira_name_ar;", ""), "44;Aïn Defla"])
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_territory", str(path), stdout=io.StringIO(), stderr=err)
    assert "line 1: missing required column(s): daira_name_ar" in err.getvalue()


def test_dry_run_saves_nothing(tmp_path):
    out, _ = run(write_sheet(tmp_path, SHEET), "--dry-run")
    assert "Wilayas: 0 created, 1 updated, 0 unchanged" in out
    assert "Dry run" in out
    assert Wilaya.objects.get(number=44).name_fr == "Ain Defla"
    assert Commune.objects.filter(name_fr="Bir-Ould-Khelifa").exists()


def test_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_territory", str(tmp_path / "missing.csv"))
