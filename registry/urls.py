from django.urls import path
from django.views.generic import TemplateView

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("initiatives/", views.initiative_list, name="initiative-list"),
    path("initiatives/<slug:slug>/", views.initiative_detail, name="initiative-detail"),
    path("carte/", views.initiative_map, name="initiative-map"),
    path("carte/donnees.json", views.map_data, name="map-data"),
    path(
        "mentions-legales/",
        TemplateView.as_view(template_name="pages/legal.html"),
        name="legal",
    ),
    path(
        "donnees-personnelles/",
        TemplateView.as_view(template_name="pages/privacy.html"),
        name="privacy",
    ),
]
