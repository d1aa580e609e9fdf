from django.urls import path

from . import assessment, dashboard_views
from . import views as backoffice

app_name = "backoffice"
# The back-office pages sit under /back-office/, except the assessment and follow-up pages, which
# kept the addresses they had under /evaluation/ and /mesures/.
urlpatterns = [
    path("back-office/", backoffice.home, name="home"),
    path("back-office/moderation/", backoffice.moderation, name="moderation"),
    path("back-office/initiatives/", backoffice.search, name="search"),
    path("back-office/initiatives/<slug:slug>/", backoffice.initiative, name="initiative"),
    path("back-office/initiatives/<slug:slug>/moderer/", backoffice.moderate, name="moderate"),
    path("back-office/revendications/", backoffice.claims, name="claims"),
    path("back-office/revendications/<int:pk>/decision/", backoffice.claim_decide, name="claim-decide"),
    path("back-office/tableau-de-bord/", dashboard_views.dashboard_page, name="dashboard"),
    path("back-office/tableau-de-bord/<slug:chart>.csv", dashboard_views.dashboard_csv, name="dashboard-csv"),
    path("evaluation/file/", assessment.queue, name="assessment-queue"),
    path(
        "evaluation/initiatives/<slug:slug>/evaluer/",
        assessment.assess_initiative,
        name="assess-initiative",
    ),
    path(
        "mesures/initiatives/<slug:slug>/proposer/",
        assessment.propose_measure,
        name="propose-measure",
    ),
    path("mesures/suivis/<int:pk>/etat/", assessment.change_followup, name="followup-change"),
    path(
        "mesures/suivis/<int:pk>/terminer/", assessment.complete_followup, name="followup-complete"
    ),
]
