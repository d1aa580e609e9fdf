from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("initiatives/", views.initiative_list, name="initiative-list"),
    path("initiatives/<slug:slug>/", views.initiative_detail, name="initiative-detail"),
    path("carte/", views.initiative_map, name="initiative-map"),
    path("carte/donnees.json", views.map_data, name="map-data"),
    path("mentions-legales/", views.legal_page, {"template": "pages/legal.html"}, name="legal"),
    path(
        "donnees-personnelles/",
        views.legal_page,
        {"template": "pages/privacy.html"},
        name="privacy",
    ),
]
