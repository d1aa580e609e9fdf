"""Build fixtures/demo_initiatives.json: fictional initiatives for demos and manual testing.

Deterministic (seeded): running it again gives the same file. Every name is invented for this
project; no real person's data. Reads fixtures/communes.json for communes with coordinates.

    python scripts/build_demo.py [--count 96] [--seed 2026]
"""

import argparse
import json
import random
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPARTEMENTS = ["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]
TYPES = [
    "MAG_PROD", "VENTE_FERME", "MARCHE_PROD", "AMAP", "PANIERS", "DRIVE", "PLATEFORME",
    "EPICERIE_LOCALE", "EPICERIE_VRAC", "SUPER_COOP", "EPICERIE_SOLIDAIRE", "EPICERIE_ASSO",
    "TIERS_LIEU", "HUB",
]  # fmt: skip
NAMES = {
    "MAG_PROD": ["Les Paysans de {c}", "Le Panier fermier de {c}", "Terres de {c}"],
    "VENTE_FERME": ["Ferme du Moulin ({c})", "La Ferme des Trois Chênes", "Ferme de la Borie"],
    "MARCHE_PROD": ["Marché des producteurs de {c}", "Marché paysan du jeudi ({c})"],
    "AMAP": ["AMAP de {c}", "AMAP Les Jardins partagés de {c}"],
    "PANIERS": ["Les Paniers de {c}", "Panier local {c}"],
    "DRIVE": ["Drive fermier de {c}", "Le Drive des fermes ({c})"],
    "PLATEFORME": ["Cagette paysanne {c}", "Fermes en ligne de {c}"],
    "EPICERIE_LOCALE": ["L'Épicerie du coin ({c})", "Au Bon Local, {c}", "Épicerie de {c}"],
    "EPICERIE_VRAC": ["Vrac & Co {c}", "La Graine en vrac ({c})", "Zéro déchet {c}"],
    "SUPER_COOP": ["Coop'{c}", "Supermarché coopératif de {c}"],
    "EPICERIE_SOLIDAIRE": ["Épicerie solidaire de {c}", "Le Panier solidaire ({c})"],
    "EPICERIE_ASSO": ["Épicerie associative de {c}", "L'Épicerie des voisins ({c})"],
    "TIERS_LIEU": ["Tiers-lieu nourricier de {c}", "La Fabrique à manger ({c})"],
    "HUB": ["Halle paysanne de {c}", "Atelier partagé de {c}"],
}
LEGAL_FORMS = {
    "MAG_PROD": ["farm", "company", "scic"],
    "VENTE_FERME": ["farm", "sole_trader"],
    "MARCHE_PROD": ["association", "public"],
    "AMAP": ["association", "informal"],
    "PANIERS": ["association", "company"],
    "DRIVE": ["association", "cooperative"],
    "PLATEFORME": ["company", "scic"],
    "EPICERIE_LOCALE": ["company", "sole_trader"],
    "EPICERIE_VRAC": ["company", "sole_trader"],
    "SUPER_COOP": ["cooperative", "scic"],
    "EPICERIE_SOLIDAIRE": ["association", "public"],
    "EPICERIE_ASSO": ["association"],
    "TIERS_LIEU": ["scic", "association"],
    "HUB": ["scic", "cooperative", "public"],
}
PRACTICE_FIELDS = [
    "food_retail_main_activity", "compliance_declared", "environmental_practices",
    "social_access_schemes", "outreach_events_per_year", "work_integration_jobs",
    "food_policy_partnership", "governance", "financial_situation",
]  # fmt: skip
PRODUCTS = ["FRUITS_LEGUMES", "VIANDES_POISSONS", "CREMERIE", "BOULANGERIE", "EPICERIE", "BOISSONS", "AUTRES"]  # fmt: skip
LABELS = ["AB", "LR", "AOP", "IGP", "HVE", "FERMIER", "MONTAGNE", "SDF", "BALF", "MPP", "DRIVE"]
NEEDS = ["K_FIN", "K_PREM", "K_LOG", "K_SUP", "K_HR", "K_SKILL", "K_VIS", "K_DEM", "K_REG", "K_DIG", "K_PRICE", "K_GOV"]  # fmt: skip
SUMMARIES = {
    "strong": "Produits de {n} fermes voisines, majoritairement bio, vendus sans intermédiaire.",
    "borderline": "Une offre locale qui s'étoffe : {n} producteurs partenaires, un grossiste.",
    "weak": "Commerce de proximité dont une partie seulement vient de producteurs locaux.",
}
DESCRIPTIONS = [
    "Ouvert en {y}, le lieu réunit habitants et producteurs autour d'une alimentation de saison. "
    "Les prix sont fixés avec les producteurs.",
    "Créé en {y} par un collectif d'habitants, le projet propose des produits frais, de "
    "l'épicerie et des animations autour du bien manger.",
    "Depuis {y}, l'équipe sélectionne des produits de la région et organise des visites de "
    "fermes pour les clients.",
]
HOURS = [
    "Mardi au samedi, 9 h – 12 h 30 et 15 h – 19 h",
    "Mercredi 16 h – 19 h, samedi 9 h – 13 h",
    "Vendredi 17 h – 19 h 30 (distribution des paniers)",
    "Lundi au samedi, 8 h 30 – 19 h 30",
    "Jeudi matin, 7 h – 13 h",
]


def luhn_digit(digits: str) -> str:
    """The digit that makes `digits` + it pass the Luhn checksum."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def luhn_siret(rng: random.Random) -> str:
    """A SIRET whose SIREN (first 9 digits) and whole 14 digits both pass Luhn."""
    siren = str(rng.randint(10**7, 10**8 - 1))
    siren += luhn_digit(siren)
    body = siren + f"{rng.randint(1, 99):04d}"
    return body + luhn_digit(body)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(part for part in cleaned.split("-") if part)


def facts(profile: str, rng: random.Random) -> dict:
    r = rng.randint
    if profile == "strong":
        return {
            "partner_producers": r(10, 40), "regional_purchase_share": r(70, 98),
            "short_circuit_share": r(85, 100), "organic_share": r(25, 85),
            "quality_share": r(10, 45), "producer_price_share": r(75, 100),
            "intermediaries": 0, "max_sourcing_distance_km": r(20, 80),
            "staff_fte": f"{r(10, 60) / 10:.1f}", "weekly_opening_hours": r(18, 50),
            "step_free_access": True,
        }  # fmt: skip
    if profile == "borderline":
        return {
            "partner_producers": r(3, 14), "regional_purchase_share": r(40, 65),
            "short_circuit_share": r(50, 75), "organic_share": r(5, 30),
            "quality_share": r(0, 25), "producer_price_share": r(58, 78),
            "intermediaries": rng.choice([0, 1]), "max_sourcing_distance_km": r(60, 150),
            "staff_fte": f"{r(5, 25) / 10:.1f}", "weekly_opening_hours": r(6, 30),
            "step_free_access": rng.choice([True, False]),
        }  # fmt: skip
    return {
        "partner_producers": r(1, 6), "regional_purchase_share": r(5, 32),
        "short_circuit_share": r(15, 48), "organic_share": r(0, 12),
        "quality_share": r(0, 10), "producer_price_share": r(30, 60),
        "intermediaries": 2, "max_sourcing_distance_km": r(200, 900),
        "staff_fte": f"{r(5, 40) / 10:.1f}", "weekly_opening_hours": r(20, 60),
        "step_free_access": rng.choice([True, False, None]),
    }  # fmt: skip


GOVERNANCE = {
    "association": ["coop", "other", "other"],
    "scic": ["coop"],
    "scop": ["coop"],
    "cooperative": ["coop"],
    "company": ["producers", "other", "esus"],
    "farm": ["producers"],
    "sole_trader": ["producers", "other"],
    "public": ["other"],
    "informal": ["other", "coop"],
}
ENVIRONMENT = ["bulk", "donation", "transport", "cold", "compost"]
SOCIAL = ["solidarity_prices", "vouchers", "social_partner", "low_fee"]


def practices(fields: dict, pk: int, seed: int) -> dict:
    """The "Practices and situation" step's answers (registry.models.PRACTICE_FIELDS), from the
    initiative's sourcing facts. Drawn from a generator of their own, seeded by the initiative,
    so that the other facts stay as they were before this step existed; the step was added to
    fixtures/demo_initiatives.json in place with `--practices-only`."""
    rng = random.Random(f"{seed}-practices-{pk}")
    if rng.random() < 0.12:  # registered before the step existed: nothing known
        return dict.fromkeys(PRACTICE_FIELDS)
    share = fields["regional_purchase_share"] or 0
    level = 2 if share >= 70 else 1 if share >= 35 else 0
    kind = fields["type"]
    social = kind in ("EPICERIE_SOLIDAIRE", "EPICERIE_ASSO", "TIERS_LIEU")
    answers = {
        "food_retail_main_activity": kind != "HUB" and rng.random() < 0.96,
        "compliance_declared": rng.random() < 0.96,
        "environmental_practices": sorted(rng.sample(ENVIRONMENT, rng.randint(level, level + 3))),
        "social_access_schemes": sorted(
            rng.sample(SOCIAL, rng.randint(2, 4) if social else rng.randint(0, level))
        ),
        "outreach_events_per_year": rng.randint(*[(0, 3), (1, 8), (4, 24)][level]),
        "work_integration_jobs": rng.random() < (0.5 if social else 0.1),
        "food_policy_partnership": rng.choice(
            [["none", "none", "agreement"], ["none", "agreement", "pat"], ["agreement", "pat"]][
                level
            ]
        ),
        "financial_situation": rng.choice(
            [
                ["neither", "plan"],
                ["plan", "positive", "neither"],
                ["positive", "positive", "plan"],
            ][level]
        ),
    }
    answers["governance"] = rng.choice(GOVERNANCE[fields["legal_form"]])
    for name in rng.sample(PRACTICE_FIELDS, rng.randint(0, 1)):  # a question skipped
        answers[name] = None
    return answers


def add_practices(path: Path, seed: int) -> None:
    """Add the practices to an existing fixture, leaving every other fact as it is."""
    objects = json.loads(path.read_text())
    for o in objects:
        o["fields"].update(practices(o["fields"], o["pk"], seed))
    write(path, objects)


def write(path: Path, objects: list) -> None:
    path.write_text(
        "[\n" + ",\n".join(json.dumps(o, ensure_ascii=False) for o in objects) + "\n]\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=96)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--communes", default=ROOT / "fixtures" / "communes.json", type=Path)
    parser.add_argument("--out", default=ROOT / "fixtures" / "demo_initiatives.json", type=Path)
    parser.add_argument(
        "--practices-only",
        action="store_true",
        help="Only add the practices step's answers to the --out fixture, keeping the rest.",
    )
    args = parser.parse_args()
    if args.practices_only:
        add_practices(args.out, args.seed)
        return
    rng = random.Random(args.seed)

    communes = [c for c in json.loads(args.communes.read_text()) if c["fields"]["latitude"]]
    by_dept = {d: [c for c in communes if c["fields"]["departement"] == d] for d in DEPARTEMENTS}
    for dept, rows in by_dept.items():
        # Prefer towns: shops cluster where people live.
        rows.sort(key=lambda c: -(c["fields"]["population"] or 0))
        by_dept[dept] = rows[:40]

    objects, slugs, sirets = [], set(), set()
    profiles = ["strong"] * 5 + ["borderline"] * 3 + ["weak"] * 2
    statuses = ["validated"] * 16 + ["submitted"] * 2 + ["draft", "rejected", "archived"]
    for pk in range(1, args.count + 1):
        dept = DEPARTEMENTS[(pk - 1) % len(DEPARTEMENTS)]
        type_code = TYPES[(pk - 1) % len(TYPES)]
        commune = rng.choice(by_dept[dept])
        cf = commune["fields"]
        name = rng.choice(NAMES[type_code]).format(c=cf["name"])
        slug = slugify(name)
        while slug in slugs:
            slug = f"{slugify(name)}-{rng.randint(2, 99)}"
        slugs.add(slug)
        legal_form = rng.choice(LEGAL_FORMS[type_code])
        siret = "" if legal_form == "informal" else luhn_siret(rng)
        while siret in sirets:
            siret = luhn_siret(rng)
        sirets.add(siret)
        profile = rng.choice(profiles)
        f = facts(profile, rng)
        # A few records lack a fact, as real ones do: their assessment will be incomplete.
        if rng.random() < 0.08:
            f["producer_price_share"] = None
        year = rng.randint(2008, 2025)
        fields = {
            "name": name,
            "slug": slug,
            "type": type_code,
            "summary": SUMMARIES[profile].format(n=f["partner_producers"]),
            "description": rng.choice(DESCRIPTIONS).format(y=year),
            "legal_form": legal_form,
            "siret": siret,
            "rna": "",
            "founded_on": f"{year}-{rng.randint(1, 12):02d}-01",
            "address": f"{rng.randint(1, 60)} {rng.choice(['rue de la République', 'avenue de la Gare', 'place du Marché', 'chemin des Vignes', 'route de la Forêt', 'rue des Écoles'])}",  # noqa: E501
            "postal_code": cf["postal_codes"][0],
            "commune": commune["pk"],
            "departement": dept,
            "latitude": round(cf["latitude"] + rng.uniform(-0.01, 0.01), 5),
            "longitude": round(cf["longitude"] + rng.uniform(-0.01, 0.01), 5),
            "website": f"https://{slug}.example.org/" if rng.random() < 0.6 else "",
            "email": f"contact@{slug}.example.org",
            "phone": f"0{rng.choice([4, 5])} {rng.randint(10, 99)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
            "opening_hours": rng.choice(HOURS),
            "products": sorted(rng.sample(PRODUCTS, rng.randint(1, 5))),
            "labels": sorted(rng.sample(LABELS, rng.randint(0, 3))),
            "needs": sorted(rng.sample(NEEDS, rng.randint(1, 4))),
            "status": rng.choice(statuses),
            "owners": [],
            "created_at": f"{rng.randint(2023, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z",  # noqa: E501
            "updated_at": "2026-11-01T10:00:00Z",
            **f,
        }
        fields.update(practices(fields, pk, args.seed))
        objects.append({"model": "registry.initiative", "pk": pk, "fields": fields})

    write(args.out, objects)
    print(f"{len(objects)} initiatives written to {args.out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
