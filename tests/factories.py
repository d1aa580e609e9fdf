"""Factories with fixed, readable defaults; reference rows are fetched or created by code."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn

from core.roles import AGENT, ROLES, ensure_roles
from recommendations.models import FollowUp, Measure
from registry.models import (
    Commune,
    Departement,
    Initiative,
    InitiativeType,
    Label,
    LegalForm,
    Need,
    PacteAction,
    ProductCategory,
    Status,
)
from registry.search import refresh_search_text


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

    # products=[...], labels=[...], needs=[...]: set before the search text is derived. (A test
    # that sets them afterwards and searches calls refresh_search_text, as services do.)
    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create and extracted:
            self.products.set(extracted)

    @factory.post_generation
    def labels(self, create, extracted, **kwargs):
        if create and extracted:
            self.labels.set(extracted)

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        if create and extracted:
            self.needs.set(extracted)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # The search text is derived by the write paths (registry.services); factories write
        # the rows directly, so they derive it too.
        if create:
            refresh_search_text(Initiative.objects.filter(pk=instance.pk))
            instance.refresh_from_db(fields=["search_text"])


# --- recommendations ----------------------------------------------------------------------


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


# --- assessment -----------------------------------------------------------------------------


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


def scoring_framework(version: int = 1):
    """The published framework the assessment factories score against, made on first use.

    E1 "Point de vente en Occitanie", a yes/no condition; C1 local purchases in %
    (CriterionFactory: 30 → 5, 50 → 10 points); pass mark 10 out of 10. A framework that already
    has this version and criteria (framework_v1.json once loaded) is used as it is.
    """
    framework = FrameworkFactory(version=version, status="published", min_score=10)
    if not framework.criteria.exists():
        CriterionFactory(
            framework=framework,
            code="E1",
            position=1,
            label="Point de vente en Occitanie",
            label_en="Outlet in Occitanie",
            kind="eliminatory",
            question="yes_no",
            max_points=0,
            config={"expected": True},
        )
        CriterionFactory(framework=framework, code="C1", position=2)
    return framework


def assessor():
    return user_with_role(AGENT, username="assessor@example.org", email="assessor@example.org")


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An initiative's assessment as the engine makes it: `assessment.services.assess_initiative`
    scores `answers` under `framework` and writes the score, verdict and explanation.

    By default the answers make it eligible under `scoring_framework()` (E1 yes, C1 73 %: 10 out
    of 10); `not_eligible=True` fails the E1 condition, `incomplete=True` leaves C1 unanswered.
    Under a published framework it becomes the initiative's current assessment.
    A test that needs a given score or a row the engine would not write uses
    StoredAssessmentFactory.
    """

    class Meta:
        model = "assessment.Assessment"

    class Params:
        not_eligible = factory.Trait(answers={"E1": False, "C1": 73})
        incomplete = factory.Trait(answers={"E1": True})

    initiative = factory.SubFactory(InitiativeFactory)
    framework = factory.LazyFunction(scoring_framework)
    answers = factory.LazyFunction(lambda: {"E1": True, "C1": 73})
    assessed_by = factory.LazyFunction(assessor)

    @classmethod
    def _create(cls, model_class, *, initiative, framework, answers, assessed_by, **fields):
        from assessment.services import assess_initiative

        if fields:
            raise TypeError(
                f"The engine computes {', '.join(fields)}: give answers, or use "
                "StoredAssessmentFactory for a row written as given"
            )
        return assess_initiative(
            initiative=initiative, answers=answers, assessed_by=assessed_by, framework=framework
        )


class StoredAssessmentFactory(factory.django.DjangoModelFactory):
    """The fast path: an assessment row written as given, without the engine.

    Why it exists: the engine derives the score and verdict from answers under a framework, so a
    test about what is done with given scores (sorting by 55, 80 and 20; a fractional 62.5 in an
    export) would need a framework made to give each, and would be about that framework. It also
    writes what the engine never does: a chosen `assessed_at` (caching), a raw answer the engine
    would drop (must not be published). And it costs two queries where the engine takes about
    ten, for tests that assess tens of initiatives only to count queries.
    Its explanation is empty unless given: tests of what a page or the API explains use
    AssessmentFactory, whose explanation is the engine's.
    """

    class Meta:
        model = "assessment.Assessment"

    initiative = factory.SubFactory(InitiativeFactory)
    framework = factory.LazyFunction(scoring_framework)
    answers = factory.LazyFunction(dict)
    score = 10
    max_score = 10
    verdict = "eligible"
    explanation = factory.LazyFunction(list)
    assessed_at = factory.LazyFunction(timezone.now)
    is_current = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs["is_current"]:  # one current assessment per initiative, as the engine leaves it
            model_class.objects.filter(initiative=kwargs["initiative"], is_current=True).update(
                is_current=False
            )
        return super()._create(model_class, *args, **kwargs)


# --- accounts and back-office -----------------------------------------------------------------


def user_with_role(role: str, **kwargs):
    """A user in the group of `role` (core.roles: "retailer", "agent", "curator", "admin").

    `kwargs` go to UserFactory: username, email, is_staff… The migrations create the groups with
    their permissions; a test that flushed the database (transaction=True) gets them again.
    """
    user = UserFactory(**kwargs)
    user.groups.add(role_group(role))
    return user


def role_group(role: str) -> Group:
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}: one of {', '.join(ROLES)}")
    group = Group.objects.filter(name=role).first()
    return group or next(group for group in ensure_roles() if group.name == role)


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registry.Claim"

    initiative = factory.SubFactory(InitiativeFactory, email="contact@magasin.example.org")
    claimant = factory.SubFactory(UserFactory)
    siret = factory.LazyAttribute(lambda o: o.initiative.siret)
    email_sent_to = factory.LazyAttribute(lambda o: o.initiative.email)
    status = "awaiting_review"
