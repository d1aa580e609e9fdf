"""Factories with fixed, readable defaults; reference rows are fetched or created by code."""

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify
from stdnum import luhn

from registry.models import (
    Commune,
    Departement,
    Initiative,
    InitiativeType,
    Label,
    LegalForm,
    Need,
    ProductCategory,
    Status,
)


def make_siret(n: int) -> str:
    """A valid SIRET derived from `n`: its SIREN (9 digits) and all 14 digits pass Luhn."""
    siren = f"{n % 10**8:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{n // 10**8 % 10**4:04d}"
    return body + luhn.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery")


class DepartementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Departement
        django_get_or_create = ["code"]

    code = "31"
    name = "Haute-Garonne"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee_code"]

    insee_code = "31555"
    name = "Toulouse"
    departement = factory.SubFactory(DepartementFactory)
    postal_codes = ["31000", "31100", "31200", "31300", "31400", "31500"]
    population = 511684
    latitude = 43.60426
    longitude = 1.44367


class InitiativeTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InitiativeType
        django_get_or_create = ["code"]

    code = "MAG_PROD"
    name = "Magasin de producteurs"
    name_en = "Farmers' collective shop"


class ProductCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCategory
        django_get_or_create = ["code"]

    code = "FRUITS_LEGUMES"
    name = "Fruits et légumes"
    name_en = "Fruit and vegetables"


class LabelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Label
        django_get_or_create = ["code"]

    code = "AB"
    name = "Agriculture biologique"
    name_en = "Organic farming (AB)"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need
        django_get_or_create = ["code"]

    code = "K_LOG"
    name = "Logistique et dernier kilomètre"
    name_en = "Logistics and last mile"


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Magasin paysan {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    type = factory.SubFactory(InitiativeTypeFactory)
    summary = "Un magasin tenu par douze fermes du Lauragais."
    legal_form = LegalForm.SCIC
    siret = factory.Sequence(lambda n: make_siret(80000000 + n))
    postal_code = "31000"
    commune = factory.SubFactory(CommuneFactory)
    latitude = 43.6
    longitude = 1.44
    status = Status.VALIDATED
    partner_producers = 12
    regional_purchase_share = 80
    short_circuit_share = 90
    organic_share = 40
    quality_share = 20

    @factory.post_generation
    def owners(self, create, extracted, **kwargs):
        if create and extracted:
            self.owners.set(extracted)


# --- recommendations (engineer B) ------------------------------------------------------------
import datetime  # noqa: E402

from recommendations.models import FollowUp, Measure  # noqa: E402
from registry.models import PacteAction  # noqa: E402


class PacteActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PacteAction
        django_get_or_create = ["code"]

    code = "A3"
    name = "Développer et soutenir de nouveaux réseaux de distribution"
    name_en = "Develop and support new distribution networks"


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TST{n}")
    title = factory.Sequence(lambda n: f"Mesure d'essai {n}")
    summary = "Une mesure d'essai."
    rationale = "Parce que les magasins en ont besoin."
    means = "Une subvention régionale."
    support_type = "logistics"
    priority = 2
    status = "adopted"
    criterion_codes = factory.LazyFunction(list)

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if create and extracted:
            self.needs.set(extracted)

    @factory.post_generation
    def pacte_actions(self, create, extracted, **kwargs):
        if create:
            self.pacte_actions.set(extracted or [PacteActionFactory()])

    @factory.post_generation
    def target_types(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_types.set(extracted)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    initiative = factory.SubFactory(InitiativeFactory)
    measure = factory.SubFactory(MeasureFactory)
    state = "proposed"
    proposed_on = datetime.date(2026, 10, 1)


# --- assessment (engineer A) ---------------------------------------------------------------


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessment.Framework"
        django_get_or_create = ["version"]

    version = factory.Sequence(lambda n: 100 + n)
    title = factory.LazyAttribute(lambda o: f"Grille v{o.version}")
    status = "draft"
    min_score = 10


class CriterionFactory(factory.django.DjangoModelFactory):
    """A weighted number criterion on local purchases by default: 30 → 5, 50 → 10 points."""

    class Meta:
        model = "assessment.Criterion"

    framework = factory.SubFactory(FrameworkFactory)
    code = factory.Sequence(lambda n: f"K{n}")
    label = "Approvisionnement local"
    label_en = "Local sourcing"
    kind = "weighted"
    question = "number"
    max_points = 10
    config = factory.LazyFunction(
        lambda: {
            "min": 0,
            "max": 100,
            "unit": "%",
            "bands": [{"from": 30, "points": 5}, {"from": 50, "points": 10}],
        }
    )


# --- accounts and back-office (engineer D) ---------------------------------------------------


def user_with_role(role: str, **kwargs):
    """A user in the role group `role` ("retailer", "agent", "curator", "admin")."""
    from core.roles import ensure_roles

    group = next(group for group in ensure_roles() if group.name == role)
    user = UserFactory(**kwargs)
    user.groups.add(group)
    return user


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registry.Claim"

    initiative = factory.SubFactory(InitiativeFactory, email="contact@magasin.example.org")
    claimant = factory.SubFactory(UserFactory)
    siret = factory.LazyAttribute(lambda o: o.initiative.siret)
    email_sent_to = factory.LazyAttribute(lambda o: o.initiative.email)
    status = "awaiting_review"
