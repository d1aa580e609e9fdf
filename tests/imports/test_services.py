"""The confirmed import: through the registry's write path, all or nothing (or the valid rows
only), recorded as imported; the dry run writes nothing; the API's export goes back in."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import override

from imports import services
from imports.models import BatchStatus, ImportBatch
from imports.services import analyse_file, apply_import, import_file, preview_import
from registry.models import Commune, Initiative, Status, StatusChange
from tests.factories import InitiativeFactory, make_siret
from tests.imports.conftest import HEADER, csv_bytes, row

pytestmark = pytest.mark.django_db

Version = Initiative.history.model


def counts():
    return (
        Initiative.objects.count(),
        Version.objects.count(),
        StatusChange.objects.count(),
        ImportBatch.objects.count(),
    )


def test_the_dry_run_writes_nothing(places, tmp_path):
    existing = InitiativeFactory(commune=Commune.objects.get(pk="31555"))
    content = csv_bytes(
        [row(1), row(2, siret=existing.siret, nom="Nouveau nom"), row(3, resume="")]
    )
    path = tmp_path / "initiatives.csv"
    path.write_bytes(content)
    before = counts()

    analysis = analyse_file(content=content, file_name="initiatives.csv")
    call_command("import_initiatives", str(path), "--dry-run", stdout=io.StringIO())

    assert analysis.counts == {
        "create": 1,
        "update": 1,
        "unchanged": 0,
        "reject": 1,
        "warnings": 0,
    }
    assert counts() == before
    existing.refresh_from_db()
    assert existing.name != "Nouveau nom"


def test_the_back_office_dry_run_records_the_file_and_nothing_else(places, agent):
    before = counts()

    batch = preview_import(content=csv_bytes([row(1)]), file_name="f.csv", by=agent)

    assert batch.status == BatchStatus.PREVIEWED
    assert (batch.created, batch.uploaded_by) == (1, agent)
    assert counts() == (before[0], before[1], before[2], before[3] + 1)


def test_a_confirmed_import_writes_through_the_registry_and_records_who_and_which_file(
    places, agent
):
    existing = InitiativeFactory(
        commune=Commune.objects.get(pk="31555"), email="old@example.org", status=Status.VALIDATED
    )
    content = csv_bytes(
        [row(1), {**row(2), "siret": existing.siret, "email": "new@example.org"}],
        header=[*HEADER, "email"],
    )
    batch = preview_import(content=content, file_name="partenaires.csv", by=agent)

    batch = apply_import(batch=batch, by=agent)

    assert (batch.status, batch.created, batch.updated) == (BatchStatus.APPLIED, 1, 1)
    created = Initiative.objects.get(name="Épicerie 1")
    assert created.status == Status.DRAFT
    assert created.slug == "epicerie-1"
    assert sorted(created.products.values_list("code", flat=True)) == [
        "CREMERIE",
        "FRUITS_LEGUMES",
    ]
    assert "epicerie" in created.search_text
    existing.refresh_from_db()
    assert (existing.email, existing.version, existing.status) == (
        "new@example.org",
        2,
        Status.VALIDATED,  # an agent's correction: no new moderation
    )
    reason = f"Imported from “partenaires.csv” (import no. {batch.pk})."
    for initiative, kind in ((created, "+"), (existing, "~")):
        version = initiative.history.latest("history_date")
        assert (version.history_type, version.history_user, version.history_change_reason) == (
            kind,
            agent,
            reason,
        )
    assert created.history.get().relations["labels"] == ["AB"]
    assert batch.report["rows"][0]["slug"] == "epicerie-1"
    assert batch.applied_by == agent


def test_new_initiatives_can_be_submitted_or_validated_through_the_workflow(places, agent):
    batch = preview_import(content=csv_bytes([row(1)]), file_name="f.csv", by=agent)

    apply_import(batch=batch, by=agent, new_status=Status.VALIDATED)

    initiative = Initiative.objects.get()
    assert initiative.status == Status.VALIDATED
    assert list(
        initiative.status_changes.order_by("changed_at", "id").values_list(
            "to_status", "changed_by"
        )
    ) == [(Status.SUBMITTED, agent.pk), (Status.VALIDATED, agent.pk)]


def big_file(n: int, *, bad_row: int | None = None) -> bytes:
    """`n` rows creating initiatives in Toulouse; row `bad_row` (1-based) has a postal code of
    another commune."""
    rows = [
        row(i, siret=make_siret(500_000 + i), familles_produits="", labels="")
        for i in range(1, n + 1)
    ]
    if bad_row:
        rows[bad_row - 1]["code_postal"] = "34170"
    return csv_bytes(rows, delimiter=";")


def test_all_or_nothing_when_row_3000_of_5000_is_in_error(places, agent):
    batch = preview_import(content=big_file(5000, bad_row=3000), file_name="f.csv", by=agent)

    batch = apply_import(batch=batch, by=agent)

    assert (batch.status, batch.rejected, batch.created) == (BatchStatus.REFUSED, 1, 4999)
    [rejected] = [r for r in batch.report["rows"] if r["errors"]]
    assert rejected["line"] == 3001  # the header is row 1
    assert "does not belong to Toulouse" in rejected["errors"][0]
    assert Initiative.objects.count() == 0
    assert Version.objects.count() == 0


def test_all_or_nothing_when_row_3000_of_5000_fails_while_writing(places, agent, monkeypatch):
    """Rows 1 to 2,500 are written (five batches) before row 3,000 is refused by the registry's
    service: everything is rolled back."""
    batch = preview_import(content=big_file(5000), file_name="f.csv", by=agent)
    taken = InitiativeFactory(name="Déjà là", slug="deja-la", siret="")
    real_unique_slug = services.Registry.unique_slug

    def unique_slug(self, name):
        # Row 3,000 gets a slug that is already taken, as if someone took it meanwhile.
        return taken.slug if name == "Épicerie 3000" else real_unique_slug(self, name)

    monkeypatch.setattr(services.Registry, "unique_slug", unique_slug)

    batch = apply_import(batch=batch, by=agent)

    assert batch.status == BatchStatus.FAILED
    [failed] = [r for r in batch.report["rows"] if r["errors"]]
    assert failed["line"] == 3001
    assert failed["errors"] == ["Another initiative has this slug."]
    assert list(Initiative.objects.values_list("slug", flat=True)) == ["deja-la"]
    assert not Version.objects.exclude(id=taken.pk).exists()
    assert not any(r["slug"] for r in batch.report["rows"])


def test_valid_rows_only_when_asked(places, agent):
    batch = preview_import(content=big_file(10, bad_row=3), file_name="f.csv", by=agent)

    batch = apply_import(batch=batch, by=agent, valid_only=True)

    assert (batch.status, batch.created, batch.rejected) == (BatchStatus.APPLIED, 9, 1)
    assert Initiative.objects.count() == 9
    assert not Initiative.objects.filter(name="Épicerie 3").exists()


def test_a_batch_is_imported_once(places, agent):
    batch = import_file(content=csv_bytes([row(1)]), file_name="f.csv", by=agent)

    with pytest.raises(Exception, match="already carried out"):
        apply_import(batch=batch, by=agent)


def excel_fr(content: bytes, edit) -> bytes:
    """`content` (our CSV export) opened in a French Excel, edited, saved as "CSV
    (séparateur : point-virgule)": Windows-1252, `;`, decimal commas, no BOM."""
    text = content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";" if ";" in text else ",")
    header, *rows = list(reader)
    records = [dict(zip(header, cells, strict=True)) for cells in rows]
    edit(records)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for record in records:
        for key in ("latitude", "longitude", "score", "score_max"):
            record[key] = record[key].replace(".", ",")
        writer.writerow([record[key] for key in header])
    return out.getvalue().encode("cp1252")


@pytest.mark.parametrize("sep", ["comma", "semicolon"])
def test_the_api_export_edited_in_excel_goes_back_in(places, agent, client, sep):
    toulouse = Commune.objects.get(pk="31555")
    kept = InitiativeFactory(name="Les Paniers d'Oc", commune=toulouse, phone="+33 5 61 00 00 00")
    edited = InitiativeFactory(
        name="Épicerie Œuf & Crème", commune=toulouse, latitude=None, longitude=None
    )
    export = client.get(reverse("api:initiative-list"), {"format": "csv", "sep": sep})
    content = b"".join(export.streaming_content)

    def edit(records):
        for record in records:
            if record["id"] == edited.slug:
                record["nom"] = "Épicerie Œuf, Crème & Cie"
                record["email"] = "bonjour@oeuf-creme.example.org"

    with override("en"):  # the request left its language (French) active
        batch = import_file(content=excel_fr(content, edit), file_name="export.csv", by=agent)

    assert (batch.status, batch.updated, batch.unchanged, batch.created) == (
        BatchStatus.APPLIED,
        1,
        1,
        0,
    ), batch.report
    assert batch.source_description == "CSV, Windows-1252, separator: semicolon"
    edited.refresh_from_db()
    assert (edited.name, edited.email) == (
        "Épicerie Œuf, Crème & Cie",
        "bonjour@oeuf-creme.example.org",
    )
    # The commune's centre that the export gives in place of a missing point stays out.
    assert (edited.latitude, edited.longitude) == (None, None)
    kept.refresh_from_db()
    assert (kept.version, kept.phone) == (1, "+33 5 61 00 00 00")
    assert any("ignored" in note for note in batch.report["notes"])


def test_the_command_imports_with_a_progress_bar(places, agent, tmp_path):
    path = tmp_path / "initiatives.csv"
    path.write_bytes(big_file(3))
    out, err = io.StringIO(), io.StringIO()

    call_command("import_initiatives", str(path), "--user", agent.username, stdout=out, stderr=err)

    assert Initiative.objects.count() == 3
    assert "[##############################] 3/3" in err.getvalue()
    assert "3 created, 0 updated, 0 unchanged, 0 rejected" in out.getvalue()
    assert ImportBatch.objects.get().uploaded_by == agent


def test_the_command_refuses_a_file_in_error_and_says_why(places, tmp_path):
    path = tmp_path / "initiatives.csv"
    path.write_bytes(big_file(3, bad_row=2))
    out = io.StringIO()

    with pytest.raises(Exception, match="Nothing imported"):
        call_command("import_initiatives", str(path), stdout=out, stderr=io.StringIO())

    assert "row 3: “code_postal”: The postal code 34170 does not belong to Toulouse" in (
        out.getvalue()
    )
    assert Initiative.objects.count() == 0
