"""URLs of the REST API: /api/v1/ (one router for every app), /api/schema/ and /api/docs/
(where /api/ leads)."""

from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from assessment import api as assessment_api
from recommendations import api as recommendations_api
from registry import api as registry_api

app_name = "api"

router = DefaultRouter()
router.register("initiatives", registry_api.InitiativeViewSet, basename="initiative")
router.register("frameworks", assessment_api.FrameworkViewSet, basename="framework")
router.register("measures", recommendations_api.MeasureViewSet, basename="measure")
router.register("departements", registry_api.DepartementViewSet, basename="departement")
router.register("types", registry_api.TypeViewSet, basename="type")
router.register("needs", registry_api.NeedViewSet, basename="need")

urlpatterns = [
    # /api/ alone leads to the documentation.
    path("", RedirectView.as_view(pattern_name="api:docs"), name="root"),
    path(
        "v1/initiatives/<slug:slug>/assessments/",
        assessment_api.InitiativeAssessmentsView.as_view(),
        name="initiative-assessments",
    ),
    path(
        "v1/initiatives/<slug:slug>/followups/",
        recommendations_api.InitiativeFollowUpsView.as_view(),
        name="initiative-followups",
    ),
    path(
        "v1/followups/<int:pk>/state/",
        recommendations_api.FollowUpStateView.as_view(),
        name="followup-state",
    ),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file: the strict CSP forbids inline scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
