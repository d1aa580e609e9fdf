from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("auto-evaluation/", views.self_check, name="self-check"),
    path("file/", views.queue, name="queue"),
    path("initiatives/<slug:slug>/", views.initiative_result, name="initiative-result"),
    path("initiatives/<slug:slug>/evaluer/", views.assess_initiative, name="assess-initiative"),
]
