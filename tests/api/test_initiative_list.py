import pytest
from django.urls import reverse

from registry.models import Status
from tests.api.conftest import days_ago
from tests.factories import (
    AssessmentFactory,
    CommuneFactory,
    DepartementFactory,
    InitiativeFactory,
    InitiativeTypeFactory,
    LabelFactory,
    NeedFactory,
    ProductCategoryFactory,
    StoredAssessmentFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/initiatives/"


def names(response):
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_the_list_url_is_named_in_the_api_namespace():
    assert reverse("api:initiative-list") == LIST_URL


def test_it_lists_validated_initiatives_only(api):
    InitiativeFactory(name="Validée")
    for status in (Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.ARCHIVED):
        InitiativeFactory(name=f"Cachée {status}", status=status)

    assert names(api.get(LIST_URL)) == ["Validée"]


def test_each_item_carries_the_public_contract_fields(api):
    initiative = InitiativeFactory(
        name="La Cagette",
        website="https://cagette.example.org",
        email="contact@cagette.example.org",
        phone="05 61 00 00 00",
        opening_hours="Mar–sam 9h–19h",
    )
    initiative.labels.set([LabelFactory()])
    initiative.products.set([ProductCategoryFactory()])
    StoredAssessmentFactory(initiative=initiative, score=62.5, max_score=100)

    item = api.get(LIST_URL).json()["results"][0]

    assert item == {
        "slug": "la-cagette",
        "name": "La Cagette",
        "summary": initiative.summary,
        "type": {
            "code": "MAG_PROD",
            "name": "Magasin de producteurs",
            "name_en": "Farmers' collective shop",
        },
        "address": "",
        "postal_code": "31000",
        "commune": {"code": "31555", "name": "Toulouse"},
        "departement": {"code": "31", "name": "Haute-Garonne"},
        "latitude": 43.6,
        "longitude": 1.44,
        "location_precision": "address",
        "verdict": "eligible",
        "score": 62.5,
        "max_score": 100,
        "framework_version": 1,
        "labels": [
            {"code": "AB", "name": "Agriculture biologique", "name_en": "Organic farming (AB)"}
        ],
        "products": [
            {
                "code": "FRUITS_LEGUMES",
                "name": "Fruits et légumes",
                "name_en": "Fruit and vegetables",
            }
        ],
        "website": "https://cagette.example.org",
        "email": "contact@cagette.example.org",
        "phone": "05 61 00 00 00",
        "opening_hours": "Mar–sam 9h–19h",
        "url": "http://testserver/initiatives/la-cagette/",
        "updated_at": item["updated_at"],
    }
    assert item["updated_at"].startswith(str(initiative.updated_at.year))


def test_items_never_carry_private_data(api, retailer):
    initiative = InitiativeFactory(owners=[retailer])
    AssessmentFactory(initiative=initiative)

    item = api.get(LIST_URL).json()["results"][0]

    for private in ("owners", "status", "siret", "answers", "status_history", "private"):
        assert private not in item
    assert retailer.username not in api.get(LIST_URL).content.decode()


def test_an_initiative_never_assessed_has_null_verdict_and_score(api):
    InitiativeFactory()

    item = api.get(LIST_URL).json()["results"][0]

    assert (item["verdict"], item["score"], item["framework_version"]) == (None, None, None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", ["Éligible"]), ("false", ["Jamais évaluée", "Non éligible"])],
)
def test_eligible_filters_on_the_current_verdict(api, value, expected):
    AssessmentFactory(initiative=InitiativeFactory(name="Éligible"))
    AssessmentFactory(initiative=InitiativeFactory(name="Non éligible"), not_eligible=True)
    InitiativeFactory(name="Jamais évaluée")
    old = InitiativeFactory(name="Anciennement éligible")
    AssessmentFactory(initiative=old)
    AssessmentFactory(initiative=old, incomplete=True)  # the newer assessment is the current one

    got = names(api.get(LIST_URL, {"eligible": value}))

    assert sorted(got) == sorted(expected + ([] if value == "true" else ["Anciennement éligible"]))


def test_it_filters_by_departement_and_commune(api):
    gers = DepartementFactory(code="32", name="Gers")
    auch = CommuneFactory(insee_code="32013", name="Auch", departement=gers, postal_codes=["32000"])
    InitiativeFactory(name="À Auch", commune=auch, postal_code="32000")
    InitiativeFactory(name="À Toulouse")

    assert names(api.get(LIST_URL, {"departement": "32"})) == ["À Auch"]
    assert names(api.get(LIST_URL, {"commune": "31555"})) == ["À Toulouse"]


def test_it_filters_by_type_product_label_and_need(api):
    amap = InitiativeTypeFactory(code="AMAP", name="AMAP")
    target = InitiativeFactory(name="Cible", type=amap)
    target.products.set([ProductCategoryFactory(code="CREMERIE", name="Crèmerie")])
    target.labels.set([LabelFactory(code="AOP", name="AOP")])
    target.needs.set([NeedFactory()])
    other = InitiativeFactory(name="Autre")
    other.products.set([ProductCategoryFactory()])

    assert names(api.get(LIST_URL, {"type": "AMAP"})) == ["Cible"]
    assert names(api.get(LIST_URL, {"product": "CREMERIE"})) == ["Cible"]
    assert names(api.get(LIST_URL, {"label": "AOP"})) == ["Cible"]
    assert names(api.get(LIST_URL, {"need": "K_LOG"})) == ["Cible"]
    assert names(api.get(LIST_URL, {"product": "FRUITS_LEGUMES"})) == ["Autre"]


def test_search_ignores_accents_and_case_like_the_catalogue(api):
    InitiativeFactory(name="Le Panier Paysan")
    InitiativeFactory(name="Épicerie du coin")

    assert names(api.get(LIST_URL, {"search": "PANIER"})) == ["Le Panier Paysan"]
    assert names(api.get(LIST_URL, {"search": "epicerie"})) == ["Épicerie du coin"]
    assert names(api.get(LIST_URL, {"search": "coin toulouse"})) == ["Épicerie du coin"]
    assert len(names(api.get(LIST_URL, {"search": "   "}))) == 2


def test_updated_since_returns_what_changed_after_the_date(api):
    from registry.models import Initiative

    old = InitiativeFactory(name="Ancienne")
    Initiative.objects.filter(pk=old.pk).update(updated_at=days_ago(10))
    InitiativeFactory(name="Récente")

    since = days_ago(1).isoformat()
    assert names(api.get(LIST_URL, {"updated_since": since})) == ["Récente"]


def test_ordering_by_score_descending(api):
    StoredAssessmentFactory(initiative=InitiativeFactory(name="B moyenne"), score=55)
    StoredAssessmentFactory(initiative=InitiativeFactory(name="A haute"), score=80)
    StoredAssessmentFactory(
        initiative=InitiativeFactory(name="C basse"), score=20, verdict="not_eligible"
    )

    assert names(api.get(LIST_URL, {"ordering": "-score"})) == ["A haute", "B moyenne", "C basse"]
    assert names(api.get(LIST_URL)) == ["A haute", "B moyenne", "C basse"]  # by name
    assert names(api.get(LIST_URL, {"ordering": "-name"})) == ["C basse", "B moyenne", "A haute"]


def test_pagination_defaults_to_50_and_follows_page_size(api):
    InitiativeFactory.create_batch(53)

    first = api.get(LIST_URL).json()
    assert (first["count"], len(first["results"])) == (53, 50)
    assert first["next"].endswith("?page=2")

    second = api.get(LIST_URL, {"page": 2}).json()
    assert len(second["results"]) == 3 and second["next"] is None

    small = api.get(LIST_URL, {"page_size": 10, "page": 6}).json()
    assert len(small["results"]) == 3


def test_pages_do_not_overlap(api):
    for n in range(7):  # equal names: the id breaks ties
        InitiativeFactory(name="Même nom", slug=f"meme-nom-{n}")
    seen = []
    for page in (1, 2, 3, 4):
        seen += [
            r["slug"]
            for r in api.get(LIST_URL, {"page": page, "page_size": 2, "ordering": "name"}).json()[
                "results"
            ]
        ]

    assert len(seen) == len(set(seen)) == 7


def test_page_size_up_to_500_is_accepted(api):
    InitiativeFactory()

    assert api.get(LIST_URL, {"page_size": 500}).status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "-1"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "deux"}, "page"),
        ({"page_size": "501"}, "page_size"),
        ({"page_size": "100000"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "-5"}, "page_size"),
        ({"departement": "75"}, "departement"),
        ({"commune": "99999"}, "commune"),
        ({"type": "NOPE"}, "type"),
        ({"product": "NOPE"}, "product"),
        ({"label": "NOPE"}, "label"),
        ({"need": "NOPE"}, "need"),
        ({"updated_since": "hier"}, "updated_since"),
        ({"updated_since": "2026-13-45T99:00"}, "updated_since"),
        ({"eligible": "yes please"}, "eligible"),
        ({"eligible": "1"}, "eligible"),
        ({"ordering": "password"}, "ordering"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(api, params, field):
    InitiativeFactory()

    response = api.get(LIST_URL, params)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    messages = response.json()[field]
    assert messages and all(isinstance(m, str) and m for m in messages)


def test_an_unknown_departement_is_explained(api):
    response = api.get(LIST_URL, {"departement": "75"}, HTTP_ACCEPT_LANGUAGE="en")

    assert "75" in response.json()["departement"][0]


def test_a_page_past_the_end_is_a_404_with_the_last_page(api):
    InitiativeFactory.create_batch(3)

    response = api.get(LIST_URL, {"page": 9, "page_size": 2})

    assert response.status_code == 404
    assert "2" in response.json()["detail"]


@pytest.mark.parametrize("size", [5, 60])
def test_list_query_count_does_not_grow_with_the_page(api, django_assert_max_num_queries, size):
    for n in range(size):
        initiative = InitiativeFactory()
        initiative.labels.set([LabelFactory()])
        initiative.products.set([ProductCategoryFactory()])
        initiative.needs.set([NeedFactory()])
        if n % 2:
            StoredAssessmentFactory(initiative=initiative)

    # ETag summary (also the count), page ids, rows, products, labels.
    with django_assert_max_num_queries(5):
        response = api.get(LIST_URL, {"page_size": 100})

    assert len(response.json()["results"]) == size


def test_filtered_list_query_count_stays_constant(api, django_assert_max_num_queries):
    for _ in range(30):
        InitiativeFactory().products.set([ProductCategoryFactory()])

    # The same 5, plus one look-up per reference filter (product, département).
    with django_assert_max_num_queries(7):
        response = api.get(
            LIST_URL,
            {
                "product": "FRUITS_LEGUMES",
                "departement": "31",
                "eligible": "false",
                "page_size": 30,
            },
        )

    assert len(response.json()["results"]) == 30


def test_error_messages_are_in_french_by_default_and_english_on_request(api):
    french = api.get(LIST_URL, {"departement": "75"}).json()["departement"][0]
    english = api.get(LIST_URL, {"departement": "75"}, HTTP_ACCEPT_LANGUAGE="en").json()

    assert french == "Code de département inconnu « 75 » : voir /api/v1/departements/."
    assert english["departement"][0] == "Unknown département code “75”: see /api/v1/departements/."
