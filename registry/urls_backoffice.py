from django.urls import path

from . import backoffice

app_name = "backoffice"
urlpatterns = [
    path("", backoffice.home, name="home"),
    path("moderation/", backoffice.moderation, name="moderation"),
    path("initiatives/", backoffice.search, name="search"),
    path("initiatives/<slug:slug>/", backoffice.initiative, name="initiative"),
    path("initiatives/<slug:slug>/moderer/", backoffice.moderate, name="moderate"),
    path("revendications/", backoffice.claims, name="claims"),
    path("revendications/<int:pk>/decision/", backoffice.claim_decide, name="claim-decide"),
]
