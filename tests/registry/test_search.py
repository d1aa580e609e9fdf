"""The initiatives' search (registry.search): what it covers, how it folds what people type, its
ranking, and the stored search text that every write path keeps up to date. Runs on SQLite and
PostgreSQL (DATABASE_URL)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from registry.models import Initiative, Label, Status
from registry.search import (
    SQLITE_INDEX,
    build_search_text,
    drop_sqlite_index,
    ensure_sqlite_index,
    fold,
    refresh_search_text,
    search,
    sqlite_index_ready,
)
from registry.services.initiatives import create_initiative, update_initiative
from registry.services.references import delete_references, save_reference
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    InitiativeFactory,
    InitiativeTypeFactory,
    LabelFactory,
    NeedFactory,
    ProductCategoryFactory,
)

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    return list(search(Initiative.objects.all(), text).values_list("name", flat=True))


def albi():
    return CommuneFactory(
        insee_code="81004",
        name="Albi",
        departement=DepartementFactory(code="81", name="Tarn"),
        postal_codes=["81000"],
        latitude=43.9289,
        longitude=2.1464,
    )


def test_folding_drops_case_accents_ligatures_and_punctuation():
    assert fold("L'Épicerie du Pré-Vert — ŒUFS") == "l epicerie du pre vert oeufs"
    assert build_search_text("Vrac & Co", ["Vrac en Albigeois", "", None]) == (
        "vrac co | en albigeois"
    )


@pytest.fixture
def two_shops():
    """One initiative with a type, a product, a label and a need; one with none of them."""
    bulk = InitiativeTypeFactory(code="EPICERIE_VRAC", name="Épicerie vrac", name_en="Bulk grocery")
    dairy = ProductCategoryFactory(
        code="CREMERIE", name="Crèmerie, produits laitiers et œufs", name_en="Dairy and eggs"
    )
    digital = NeedFactory(code="K_DIG", name="Numérique", name_en="Digital")
    InitiativeFactory(
        name="Le Comptoir",
        summary="",
        type=bulk,
        products=[dairy],
        labels=[LabelFactory()],  # Agriculture biologique / Organic farming (AB)
        needs=[digital],
    )
    other_type = InitiativeTypeFactory(code="AMAP", name="AMAP", name_en="Community farming")
    InitiativeFactory(name="La Boutique", summary="", type=other_type)


@pytest.mark.parametrize(
    "query",
    [
        # distribution type
        "épicerie vrac",
        "EPICERIE VRAC",
        "bulk grocery",
        # product family
        "crèmerie",
        "cremerie",
        "oeufs",
        "dairy",
        # label
        "agriculture biologique",
        "Agriculture Biologique",
        "organic",
        # need
        "numérique",
        "numerique",
        "digital",
    ],
)
def test_search_covers_the_type_products_labels_and_needs_in_both_languages(two_shops, query):
    assert found(query) == ["Le Comptoir"]


def test_search_covers_the_descriptions_commune_and_departement():
    InitiativeFactory(
        name="Le Comptoir", summary="Pain au levain", description="Fromages affinés sur place"
    )
    InitiativeFactory(name="La Boutique", summary="", commune=albi(), postal_code="81000")

    assert found("levain") == ["Le Comptoir"]
    assert found("fromages affines") == ["Le Comptoir"]
    assert found("albi") == ["La Boutique"]
    assert found("tarn") == ["La Boutique"]
    assert found("haute garonne") == ["Le Comptoir"]


def test_every_word_must_match_some_field():
    bulk = InitiativeTypeFactory(code="EPICERIE_VRAC", name="Épicerie vrac", name_en="Bulk grocery")
    InitiativeFactory(name="Le Comptoir", type=bulk, commune=albi(), postal_code="81000")
    InitiativeFactory(name="Comptoir de Toulouse", type=bulk)
    InitiativeFactory(name="Le Marché d'Albi", commune=albi(), postal_code="81000")

    assert found("épicerie vrac Albi") == ["Le Comptoir"]
    assert found("albi vrac") == ["Le Comptoir"]
    assert found("épicerie vrac Albi Paris") == []


def test_words_of_one_or_two_letters_need_not_match_when_longer_ones_are_given():
    InitiativeFactory(name="Vrac & Co", summary="")

    assert found("l'vrac zz") == found("vrac de") == ["Vrac & Co"]
    assert found("zz") == []  # alone, they must match


def test_name_matches_come_first_then_the_usual_order():
    InitiativeFactory(name="Au panier", summary="Produits en vrac")
    InitiativeFactory(name="Vrac & Co", summary="")
    InitiativeFactory(name="Bocaux et vrac", summary="")
    InitiativeFactory(name="Sans rapport", summary="Légumes")

    assert found("vrac") == ["Bocaux et vrac", "Vrac & Co", "Au panier"]


def test_the_ranking_reads_the_stored_name_words_not_the_whole_text():
    InitiativeFactory(name="Vrac & Co", summary="")

    sql = str(search(Initiative.objects.all(), "vrac").query)

    ranking = sql.split("ORDER BY")[1]
    assert '"search_name"' in ranking and "LIKE" in ranking
    assert "search_text" not in ranking


def test_the_more_words_the_name_holds_the_higher():
    InitiativeFactory(name="Marché couvert", summary="Légumes en vrac")
    InitiativeFactory(name="Vrac du marché", summary="")
    InitiativeFactory(name="Au panier", summary="Vrac au marché")

    # "de" must match too (the type: Magasin de producteurs) but does not rank.
    assert found("vrac de marché") == ["Vrac du marché", "Marché couvert", "Au panier"]


def test_the_search_text_follows_the_write_paths(agent):
    kind = InitiativeTypeFactory()
    commune = CommuneFactory()
    initiative = create_initiative(
        initiative=Initiative(
            name="La Cagette",
            type=kind,
            summary="Légumes",
            legal_form="informal",
            postal_code="31000",
            commune=commune,
        ),
        relations={"labels": [LabelFactory()]},
    )
    assert found("biologique") == ["La Cagette"]
    assert initiative.search_text.startswith("la cagette |")
    assert initiative.search_name == "la cagette"

    saved, _changed = update_initiative(
        initiative=initiative,
        changes={"name": "Le Cageot", "needs": [NeedFactory()], "labels": []},
        expected_version=initiative.version,
        by=agent,
    )

    assert found("cageot") == found("logistique") == ["Le Cageot"]
    assert found("cagette") == found("biologique") == []
    assert saved.search_text.startswith("le cageot |")
    assert saved.search_name == "le cageot"


def test_a_reference_renamed_refreshes_the_initiatives_that_show_it():
    label = LabelFactory()
    InitiativeFactory(name="La Cagette", labels=[label])
    InitiativeFactory(name="Sans label")

    label.name, label.name_en = "Bio en Occitanie", "Organic in Occitania"
    assert save_reference(item=label, changed_fields=["name", "name_en"]) == 1

    assert found("bio occitanie") == found("organic occitania") == ["La Cagette"]
    assert found("agriculture biologique") == []


def test_a_curator_renaming_a_type_in_the_admin_refreshes_the_search(admin_client):
    kind = InitiativeTypeFactory()
    InitiativeFactory(name="La Cagette", type=kind)

    response = admin_client.post(
        reverse("admin:registry_initiativetype_change", args=[kind.code]),
        {"code": kind.code, "name": "Boutique paysanne", "name_en": "Farm shop", "description": ""},
    )

    assert response.status_code == 302
    assert found("boutique paysanne") == found("farm shop") == ["La Cagette"]
    assert found("magasin de producteurs") == []


def test_a_deleted_label_leaves_the_search_text(admin_client):
    InitiativeFactory(name="La Cagette", labels=[LabelFactory(code="LR", name="Label Rouge")])

    delete_references(items=Label.objects.filter(code="LR"))

    assert found("rouge") == []


def test_the_bulk_refresh_and_its_command_fill_rows_written_raw():
    InitiativeFactory(name="La Cagette", labels=[LabelFactory()])
    Initiative.objects.update(search_text="")
    assert found("cagette") == []

    assert refresh_search_text(Initiative.objects.all()) == 1
    assert found("cagette biologique") == ["La Cagette"]
    assert refresh_search_text(Initiative.objects.all()) == 0  # nothing changed, nothing written

    Initiative.objects.update(search_text="")
    call_command("refresh_search_text", stdout=io.StringIO())
    assert found("cagette") == ["La Cagette"]

    Initiative.objects.update(search_name="")
    assert refresh_search_text(Initiative.objects.all()) == 1
    assert Initiative.objects.get().search_name == "la cagette"


def test_the_demo_data_is_found_by_type_and_label(demo_data):
    """The issue's examples: every farmers' shop and every organic-labelled initiative."""
    validated = Initiative.objects.filter(status=Status.VALIDATED)
    shops = set(validated.filter(type="MAG_PROD").values_list("pk", flat=True))
    organic = set(validated.filter(labels="AB").values_list("pk", flat=True))
    assert shops and organic

    def ids(text):
        return set(search(validated, text).values_list("pk", flat=True))

    assert ids("magasin de producteurs") >= shops
    assert ids("Agriculture biologique") == ids("agriculture biologique") >= organic
    assert ids("organic farming") >= organic


def test_a_word_is_found_inside_longer_words_and_beyond_the_indexed_length():
    """Any part of a word matches, as on SQLite's trigram index; PostgreSQL's index keeps the
    first 32 characters of a suffix and the text itself tells longer words apart."""
    long_word = "anticonstitutionnellement" * 2  # 50 letters
    InitiativeFactory(name="L'Épicerie du Pré", summary=f"Mot {long_word}")
    InitiativeFactory(name="Le Comptoir", summary=f"Mot {long_word[:40]}xyz")

    assert found("picer") == found("PRE") == ["L'Épicerie du Pré"]
    assert found(long_word) == found(long_word[10:]) == ["L'Épicerie du Pré"]
    assert found(long_word[:40]) == ["L'Épicerie du Pré", "Le Comptoir"]
    assert found(long_word[:40] + "xyz") == ["Le Comptoir"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's suffix index")
def test_postgresql_answers_a_search_from_its_suffix_index():
    InitiativeFactory(name="La Cagette")
    queryset = search(Initiative.objects.all(), "cagette bio")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = "
            "'registry_initiative_search_suffixes'"
        )
        (definition,) = cursor.fetchone()
        # On a table of one row the planner would rather read it: ask for the index's plan.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset.explain()
    assert "gin (registry_search_suffixes(search_text))" in definition
    assert "Bitmap Index Scan on registry_initiative_search_suffixes" in plan
    assert "Filter" not in plan  # the index's answer is exact: no text is checked again


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")
def test_sqlite_searches_through_its_index_and_rebuilds_it_after_a_table_rebuild():
    initiative = InitiativeFactory(name="La Cagette")
    assert sqlite_index_ready(connection)
    assert SQLITE_INDEX in str(search(Initiative.objects.all(), "cagette").query)

    # A migration that rebuilds the initiative table drops the triggers: rows written then are
    # missing from the index until ensure_sqlite_index (run after every migrate) rebuilds it.
    drop_sqlite_index(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE {SQLITE_INDEX} USING fts5(search_text, "
            "content='registry_initiative', content_rowid='id', tokenize='trigram')"
        )
    Initiative.objects.filter(pk=initiative.pk).update(name="Le Cageot")
    refresh_search_text(Initiative.objects.all())
    assert ensure_sqlite_index(connection)

    assert found("cageot") == ["Le Cageot"]
    assert found("cagette") == []
