from django.urls import path

from . import measures, open_data, self_check, views

app_name = "catalogue"
urlpatterns = [
    path("", views.home, name="home"),
    path("initiatives/", views.initiative_list, name="initiative-list"),
    path("initiatives/<slug:slug>/", views.initiative_detail, name="initiative-detail"),
    path("carte/", views.initiative_map, name="initiative-map"),
    path("carte/donnees.json", views.map_data, name="map-data"),
    path("evaluation/auto-evaluation/", self_check.self_check, name="self-check"),
    path("mesures/", measures.measure_list, name="measure-list"),
    # slug, as the API's lookup: a NUL in the path (/mesures/%00/) is a 404, not a PostgreSQL 500.
    path("mesures/<slug:code>/", measures.measure_detail, name="measure-detail"),
    path("mentions-legales/", views.legal_page, {"template": "pages/legal.html"}, name="legal"),
    path(
        "donnees-personnelles/",
        views.legal_page,
        {"template": "pages/privacy.html"},
        name="privacy",
    ),
    path("donnees-ouvertes/", open_data.open_data, name="open-data"),
    path(
        "donnees-ouvertes/schema-<slug:table>.json",
        open_data.table_schema,
        name="open-data-schema",
    ),
    path("donnees-ouvertes/<str:name>", open_data.open_data_file, name="open-data-file"),
    path(
        "accessibilite/",
        views.legal_page,
        {"template": "pages/accessibility.html"},
        name="accessibility",
    ),
]
