"""Benchmark of the import of initiatives (imports.services), through the registry's write path.

Builds files of N rows (distinct names and SIRETs, spread over real communes, decimal commas):
a CSV as Excel writes it in French (Windows-1252, `;`) and an XLSX workbook, in a throw-away
test database with the communes and reference lists loaded. Times: the dry run of each file
(read and check every row, nothing written), the import creating N initiatives (all or
nothing, one transaction, each row through registry.services.initiatives.create_initiative and
its history), and the same file imported again with one column changed (N updates through
update_initiative). Prints a table. Runs on SQLite, or on PostgreSQL when DATABASE_URL is set.
The target: 5,000 rows imported in under 30 s on SQLite.

    python bench/import.py [--sizes 1000 5000]
"""

import argparse
import csv
import io

from harness.database import setup_django, test_database, timed

TARGET_SECONDS = 30


def rows(n: int, *, summary: str) -> tuple[list[str], list[list]]:
    from stdnum import luhn

    from registry.models import Commune

    communes = list(
        Commune.objects.exclude(latitude=None).defer("outline").order_by("insee_code")[:400]
    )
    header = [
        "nom",
        "type_code",
        "resume",
        "forme_juridique",
        "siret",
        "adresse",
        "code_postal",
        "code_insee",
        "latitude",
        "longitude",
        "familles_produits",
        "labels",
        "besoins",
        "part_achats_locaux",
        "etp",
    ]
    types = ["MAG_PROD", "EPICERIE_LOCALE", "AMAP", "MARCHE_PROD", "EPICERIE_VRAC"]
    data = []
    for i in range(n):
        commune = communes[i % len(communes)]
        siren = f"{70_000_000 + i:08d}"
        siren += luhn.calc_check_digit(siren)
        body = siren + "0001"
        data.append(
            [
                f"Épicerie paysanne n°{i:05d}",
                types[i % len(types)],
                summary,
                "scic",
                body + luhn.calc_check_digit(body),
                f"{i % 90 + 1} rue de la Halle",
                commune.postal_codes[0],
                commune.insee_code,
                f"{commune.latitude + (i % 7) * 0.002:.5f}".replace(".", ","),
                f"{commune.longitude:.5f}".replace(".", ","),
                "FRUITS_LEGUMES|CREMERIE",
                "AB" if i % 2 else "",
                "K_LOG",
                str(50 + i % 50),
                f"{1 + i % 5},5",
            ]
        )
    return header, data


def csv_excel_fr(header, data) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(data)
    return buffer.getvalue().encode("cp1252")


def xlsx(header, data) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Initiatives")
    sheet.append(header)
    for values in data:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    args = parser.parse_args()
    setup_django("import")

    from django.db import connection

    from imports.models import BatchStatus, ImportBatch
    from imports.services import analyse_file, import_file
    from registry.models import Initiative

    results = []
    with test_database("departements", "communes", "reference"):
        for n in args.sizes:
            Initiative.history.model.objects.all().delete()
            Initiative.objects.all().delete()
            ImportBatch.objects.all().delete()
            header, data = rows(n, summary="Magasin du banc d'essai.")
            files = {"CSV (Excel FR)": csv_excel_fr(header, data), "XLSX": xlsx(header, data)}
            for label, content in files.items():
                analysis, seconds = timed(lambda c=content: analyse_file(content=c, file_name="f"))
                assert analysis.counts["create"] == n, analysis.counts
                results.append((n, f"dry run, {label}", seconds))
            batch, seconds = timed(
                lambda h=header, d=data: import_file(
                    content=csv_excel_fr(h, d), file_name="bench.csv", by=None
                )
            )
            assert batch.status == BatchStatus.APPLIED and batch.created == n, batch.report
            results.append((n, "import: N created", seconds))
            _header, changed = rows(n, summary="Magasin du banc d'essai, modifié.")
            batch, seconds = timed(
                lambda h=header, d=changed: import_file(
                    content=csv_excel_fr(h, d), file_name="bench-2.csv", by=None
                )
            )
            assert batch.status == BatchStatus.APPLIED and batch.updated == n, batch.report
            results.append((n, "import again: N updated", seconds))

    print(f"\nImport benchmark ({connection.vendor}); target: 5,000 rows in < {TARGET_SECONDS} s\n")
    print(f"| {'N':>6} | {'step':<26} | {'time (s)':>8} | {'rows/s':>7} |")
    print(f"|{'-' * 8}|{'-' * 28}|{'-' * 10}|{'-' * 9}|")
    for n, step, seconds in results:
        print(f"| {n:>6} | {step:<26} | {seconds:>8.2f} | {n / seconds:>7.0f} |")


if __name__ == "__main__":
    main()
