from django.urls import path

from . import assessment, coverage_views, dashboard_views, import_views, plan_views
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
    # Imports of initiatives from CSV or XLSX files (imports app).
    path("back-office/imports/", import_views.import_start, name="imports"),
    path("back-office/imports/<int:pk>/", import_views.import_detail, name="import-detail"),
    path(
        "back-office/imports/<int:pk>/confirmer/",
        import_views.import_confirm,
        name="import-confirm",
    ),
    path(
        "back-office/imports/<int:pk>/rapport.csv",
        import_views.import_report_csv,
        name="import-report-csv",
    ),
    path("back-office/imports/modele/", import_views.import_template, name="import-template"),
    path(
        "back-office/imports/modele.xlsx",
        import_views.import_template_xlsx,
        name="import-template-xlsx",
    ),
    path(
        "back-office/imports/modele.csv",
        import_views.import_template_csv,
        name="import-template-csv",
    ),
    path(
        "back-office/revendications/<int:pk>/decision/",
        backoffice.claim_decide,
        name="claim-decide",
    ),
    path("back-office/tableau-de-bord/", dashboard_views.dashboard_page, name="dashboard"),
    path(
        "back-office/tableau-de-bord/<slug:chart>.csv",
        dashboard_views.dashboard_csv,
        name="dashboard-csv",
    ),
    path(
        "back-office/tableau-de-bord/<slug:chart>.xlsx",
        dashboard_views.dashboard_xlsx,
        name="dashboard-xlsx",
    ),
    # Decision aid (planning app): coverage, reach of the measures, action plans.
    path("back-office/couverture/", coverage_views.coverage, name="coverage"),
    # Their tables download as CSV (?sep=semicolon: for Excel) and XLSX.
    path(
        "back-office/couverture/communes.csv",
        coverage_views.coverage_download,
        {"fmt": "csv"},
        name="coverage-csv",
    ),
    path(
        "back-office/couverture/communes.xlsx",
        coverage_views.coverage_download,
        {"fmt": "xlsx"},
        name="coverage-xlsx",
    ),
    path(
        "back-office/couverture/zones-blanches.csv",
        coverage_views.white_zones_download,
        {"fmt": "csv"},
        name="white-zones-csv",
    ),
    path(
        "back-office/couverture/zones-blanches.xlsx",
        coverage_views.white_zones_download,
        {"fmt": "xlsx"},
        name="white-zones-xlsx",
    ),
    path("back-office/portee-des-mesures/", coverage_views.measure_reach, name="measure-reach"),
    path(
        "back-office/portee-des-mesures/matrice.csv",
        coverage_views.measure_reach_download,
        {"fmt": "csv"},
        name="measure-reach-csv",
    ),
    path(
        "back-office/portee-des-mesures/matrice.xlsx",
        coverage_views.measure_reach_download,
        {"fmt": "xlsx"},
        name="measure-reach-xlsx",
    ),
    path("back-office/plans/", plan_views.plan_list, name="plan-list"),
    path("back-office/plans/nouveau/", plan_views.plan_create, name="plan-create"),
    path("back-office/plans/comparer/", plan_views.plan_compare, name="plan-compare"),
    path("back-office/plans/<int:pk>/", plan_views.plan_detail, name="plan-detail"),
    path("back-office/plans/<int:pk>/modifier/", plan_views.plan_edit, name="plan-edit"),
    path(
        "back-office/plans/<int:pk>/plan.csv",
        plan_views.plan_download,
        {"fmt": "csv"},
        name="plan-csv",
    ),
    path(
        "back-office/plans/<int:pk>/plan.xlsx",
        plan_views.plan_download,
        {"fmt": "xlsx"},
        name="plan-xlsx",
    ),
    path(
        "back-office/plans/<int:pk>/simulation/relancer/",
        plan_views.plan_simulation_retry,
        name="plan-simulation-retry",
    ),
    path(
        "back-office/plans/<int:pk>/mesures/ajouter/",
        plan_views.plan_measure_add,
        name="plan-measure-add",
    ),
    path(
        "back-office/plans/<int:pk>/mesures/<int:item>/",
        plan_views.plan_measure_edit,
        name="plan-measure-edit",
    ),
    path(
        "back-office/plans/<int:pk>/mesures/<int:item>/retirer/",
        plan_views.plan_measure_remove,
        name="plan-measure-remove",
    ),
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
