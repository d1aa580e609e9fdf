"""URLs of the REST API: /api/v1/ (one router for every resource), /api/schema/ and /api/docs/
(where /api/ leads)."""

from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from .assessments import InitiativeAssessmentsView
from .coverage_communes import CommuneCoverageViewSet
from .coverage_departements import DepartementCoverageViewSet
from .followups import FollowUpStateView, InitiativeFollowUpsView
from .frameworks import FrameworkViewSet
from .initiatives import InitiativeViewSet
from .measures import MeasureViewSet
from .plans import PlanViewSet
from .reference import DepartementViewSet, NeedViewSet, TypeViewSet

app_name = "api"

router = DefaultRouter()
router.register("initiatives", InitiativeViewSet, basename="initiative")
router.register("frameworks", FrameworkViewSet, basename="framework")
router.register("measures", MeasureViewSet, basename="measure")
router.register("departements", DepartementViewSet, basename="departement")
router.register("types", TypeViewSet, basename="type")
router.register("needs", NeedViewSet, basename="need")
router.register("coverage/communes", CommuneCoverageViewSet, basename="coverage-commune")
router.register(
    "coverage/departements", DepartementCoverageViewSet, basename="coverage-departement"
)
router.register("plans", PlanViewSet, basename="plan")

urlpatterns = [
    # /api/ alone leads to the documentation.
    path("", RedirectView.as_view(pattern_name="api:docs"), name="root"),
    path(
        "v1/initiatives/<slug:slug>/assessments/",
        InitiativeAssessmentsView.as_view(),
        name="initiative-assessments",
    ),
    path(
        "v1/initiatives/<slug:slug>/followups/",
        InitiativeFollowUpsView.as_view(),
        name="initiative-followups",
    ),
    path("v1/followups/<int:pk>/state/", FollowUpStateView.as_view(), name="followup-state"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file: the strict CSP forbids inline scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
