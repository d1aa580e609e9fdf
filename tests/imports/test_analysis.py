"""The dry run: what each row would do, why a row is rejected, possible duplicates."""

import pytest
from django.utils.translation import override

from imports.analysis import analyse
from imports.plans import CREATE, REJECT, UNCHANGED, UPDATE
from imports.reading import read_table
from registry.models import Commune, Initiative
from tests.factories import InitiativeFactory, LabelFactory, make_siret
from tests.imports.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db


def dry_run(rows, **options):
    return analyse(read_table(csv_bytes(rows, **options), "file.csv"))


def toulouse_initiative(**values):
    return InitiativeFactory(commune=Commune.objects.get(pk="31555"), **values)


def test_the_report_explains_a_postal_code_of_another_commune_in_french(places):
    with override("fr"):
        analysis = dry_run([row(1), row(2, code_postal="31000", code_insee="34057")])

    rejected = analysis.rows[1]
    assert (rejected.line, rejected.action) == (3, REJECT)
    [message] = rejected.errors
    assert "code_postal" in message
    assert message.endswith(
        "Le code postal 31000 n'appartient pas à Castelnau-le-Lez (attendu : 34170)."
    )


def test_rows_update_by_siret_else_by_name_in_the_commune_else_create(places):
    by_siret = toulouse_initiative(name="Ancien nom", siret=make_siret(80_000_001))
    by_name = toulouse_initiative(name="La Halle", siret="", rna="W313000123")

    analysis = dry_run(
        [
            row(1, nom="Nouveau nom", siret=by_siret.siret),
            row(2, nom="la halle", siret=""),
            row(3),
        ]
    )

    assert [(p.action, p.target and p.target.pk, p.matched_by) for p in analysis.rows] == [
        (UPDATE, by_siret.pk, "siret"),
        (UPDATE, by_name.pk, "name"),
        (CREATE, None, ""),
    ]
    assert "nom" in analysis.rows[0].changed


def test_a_row_with_the_values_already_registered_is_unchanged(places):
    label = LabelFactory(code="AB")
    existing = toulouse_initiative(
        name="Épicerie 1", siret=row(1)["siret"], type__code="EPICERIE_LOCALE"
    )
    existing.labels.set([label])

    [plan] = dry_run(
        [
            {
                "siret": existing.siret,
                "nom": "Épicerie 1",
                "labels": "ab",
                "code_postal": "31000",
                "latitude": "43,6",
            }
        ]
    ).rows

    assert plan.action == UNCHANGED, (plan.errors, plan.changes)


def test_an_empty_cell_leaves_the_field_and_vide_empties_it(places):
    existing = toulouse_initiative(email="contact@example.org", phone="05 61 00 00 00")

    [plan] = dry_run([{"siret": existing.siret, "email": "", "telephone": "(vide)"}]).rows

    assert plan.action == UPDATE
    assert plan.changes == {"phone": ""}


def test_rows_in_error_say_which_column_and_why(places):
    analysis = dry_run(
        [
            row(1, type_code="MAGASIN_INCONNU"),
            row(2, labels="AB|XYZ"),
            row(3, latitude="48,85", longitude="2,35"),
            row(4, siret="12345678901234"),
            row(5, code_insee="99999"),
            row(6, resume=""),
        ]
    )

    errors = [plan.errors for plan in analysis.rows]
    assert all(plan.action == REJECT for plan in analysis.rows)
    assert errors[0] == [
        "“type_code”: Distribution type “MAGASIN_INCONNU” is unknown (see the codes of the "
        "template)"
    ]
    assert errors[1] == ["“labels”: Label unknown: “XYZ” (see the codes of the template)"]
    assert "outside Occitanie" in errors[2][0]
    assert errors[3] == [
        "“siret”: This SIRET number is not valid (wrong checksum): check for a typing error."
    ]
    assert errors[4] == ["“code_insee”: no commune has the INSEE code 99999."]
    assert errors[5] == [
        "a new initiative needs “resume” (no registered initiative matches this row)."
    ]


def test_extra_columns_are_reported_and_ignored_missing_ones_reported(places):
    analysis = dry_run(
        [{"nom": "Épicerie", "code_postal": "31000", "couleur": "bleu", "verdict": "eligible"}]
    )

    assert analysis.notes == [
        "Columns not known, ignored: “couleur”.",
        "Columns the registry computes (from the export), ignored: “verdict”.",
        "Columns missing: “type_code”, “resume”, “forme_juridique”, “code_insee” or "
        "“commune”. Rows can update initiatives already registered, but cannot create new ones.",
    ]
    assert analysis.rows[0].action == REJECT


def test_a_file_with_no_known_column_is_refused_whole(places):
    analysis = dry_run([{"colour": "blue", "size": "3"}])

    assert analysis.errors and not analysis.rows


def test_headers_are_matched_whatever_their_case_accents_and_spaces(places):
    content = csv_bytes(
        [
            {
                "Nom": "Épicerie",
                "Type": "Épicerie de produits locaux",
                "Résumé": "Produits locaux.",
                "Forme juridique": "Association (loi 1901)",
                "RNA": "W313000123",
                "Code postal": "31000",
                "Commune": "toulouse",
            }
        ]
    )

    [plan] = analyse(read_table(content, "f.csv")).rows

    assert plan.action == CREATE, plan.errors
    assert plan.values["legal_form"] == "association"
    assert plan.values["commune"].insee_code == "31555"


def test_duplicates_in_the_file_are_rejected_after_their_first_row(places):
    analysis = dry_run(
        [
            row(1),
            row(2, siret=row(1)["siret"]),
            row(3, nom="Épicerie 1", siret=""),
        ],
    )

    assert [plan.action for plan in analysis.rows] == [CREATE, REJECT, REJECT]
    assert analysis.rows[1].errors == [f"same SIRET {row(1)['siret']} as row 2."]
    assert analysis.rows[2].errors == [
        "same name in the same commune as row 2 (Épicerie 1, Toulouse)."
    ]


def test_possible_duplicates_are_flagged_before_anything_is_written(places):
    toulouse_initiative(name="Le Panier du Lauragais", latitude=43.6000, longitude=1.4400)
    same_name = toulouse_initiative(name="Ferme Bio", siret=make_siret(80_000_777))

    analysis = dry_run(
        [
            # A very close name, 300 m away
            row(1, nom="Panier du Lauraguais", latitude=43.6027, longitude=1.4400),
            # Same name and commune, another SIRET
            row(2, nom="Ferme bio"),
            # Very close names within the file, at the commune's centre
            row(3, nom="Épicerie Saint-Cyprien"),
            row(4, nom="Epicerie St-Cyprien"),
            # Same name, far away in another commune: no warning
            row(5, nom="Le Panier du Lauragais", code_insee="34057", code_postal="34170"),
        ]
    )

    warnings = [plan.warnings for plan in analysis.rows]
    assert all(plan.action == CREATE for plan in analysis.rows)
    assert warnings[0] == [
        "possible duplicate: “Le Panier du Lauragais” (le-panier-du-lauragais), a very close "
        "name 0.3 km away."
    ]
    assert warnings[1] == [
        f"possible duplicate: “Ferme Bio”, same name in Toulouse, SIRET {same_name.siret}."
    ]
    assert warnings[2] == []
    assert warnings[3] == ["possible duplicate: row 4, a very close name 0.0 km away."]
    assert warnings[4] == []
    assert Initiative.objects.count() == 2


def test_an_export_row_is_matched_by_its_id(places):
    existing = toulouse_initiative(name="Épicerie", siret="", rna="W313000123")

    [plan] = dry_run([{"id": existing.slug, "nom": "Épicerie du coin"}]).rows
    [unknown] = dry_run([{"id": "no-such-initiative", "nom": "X"}]).rows

    assert (plan.action, plan.matched_by, plan.changes) == (
        UPDATE,
        "id",
        {"name": "Épicerie du coin"},
    )
    assert unknown.errors == [
        "no initiative has the identifier “no-such-initiative”: leave “id” empty to create one."
    ]
