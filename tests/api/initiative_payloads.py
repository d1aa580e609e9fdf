"""The addresses and a valid body of the API's initiative writes, for the tests of creating,
updating and changing the status of initiatives."""

from tests.factories import make_siret

LIST_URL = "/api/v1/initiatives/"


def detail_url(slug):
    return f"/api/v1/initiatives/{slug}/"


def new_initiative(**overrides):
    return {
        "name": "La Halle Paysanne",
        "type": "MAG_PROD",
        "summary": "Douze fermes vendent ensemble.",
        "legal_form": "scic",
        "siret": make_siret(12345678),
        "postal_code": "31000",
        "commune": "31555",
        "latitude": 43.61,
        "longitude": 1.45,
        "products": ["FRUITS_LEGUMES"],
        "labels": ["AB"],
        "regional_purchase_share": 75,
        **overrides,
    }
