from django.urls import path

from . import views

app_name = "recommendations"
urlpatterns = [
    path("", views.measure_list, name="measure-list"),
    path(
        "initiatives/<slug:slug>/",
        views.initiative_recommendations,
        name="initiative-recommendations",
    ),
    path("initiatives/<slug:slug>/proposer/", views.propose_measure, name="propose-measure"),
    path("suivis/<int:pk>/etat/", views.change_followup, name="followup-change"),
    path("suivis/<int:pk>/terminer/", views.complete_followup, name="followup-complete"),
    path("<str:code>/", views.measure_detail, name="measure-detail"),
]
