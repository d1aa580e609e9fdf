from django.urls import path

from . import claims, initiative, registration, views

app_name = "accounts"
# The account pages sit under /comptes/, except an initiative's assessment and measures pages,
# which kept the addresses they had under /evaluation/ and /mesures/.
urlpatterns = [
    # Same path as Django's `login` (included after this module): this one answers, with a
    # form that ignores the case of e-mail addresses and sends each role to its home page.
    # reverse("login") gives the same URL.
    path("comptes/login/", views.LoginView.as_view(), name="login"),
    path("comptes/inscription/", views.signup, name="signup"),
    path("comptes/verification/nouveau-lien/", views.verify_resend, name="verify-resend"),
    path("comptes/verification/<uidb64>/<token>/", views.verify, name="verify"),
    # Links e-mailed before links became single-use (one signed segment): the page that says
    # the link no longer works and offers a new one, rather than a 404.
    path(
        "comptes/verification/<str:token>/",
        views.verify,
        {"uidb64": ""},
        name="verify-outdated",
    ),
    # Same path as Django's `password_reset`: this one sends the e-mail after the response.
    path("comptes/password_reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("comptes/profil/", views.profile, name="profile"),
    path("comptes/profil/mes-donnees/", views.personal_data_download, name="personal-data"),
    path("comptes/profil/supprimer/", views.account_delete, name="account-delete"),
    path("comptes/mes-initiatives/", registration.my_initiatives, name="my-initiatives"),
    path(
        "comptes/mes-initiatives/nouvelle/",
        registration.initiative_create,
        name="initiative-create",
    ),
    path(
        "comptes/mes-initiatives/nouvelle/<slug:step>/",
        registration.initiative_create,
        name="initiative-create-step",
    ),
    path(
        "comptes/initiatives/<slug:slug>/modifier/",
        registration.initiative_edit,
        name="initiative-edit",
    ),
    path(
        "comptes/initiatives/<slug:slug>/modifier/<slug:step>/",
        registration.initiative_edit,
        name="initiative-edit",
    ),
    path(
        "comptes/initiatives/<slug:slug>/soumettre/",
        registration.initiative_submit,
        name="initiative-submit",
    ),
    path("comptes/communes/", registration.commune_search, name="commune-search"),
    path("comptes/revendiquer/", claims.claim_search, name="claim-search"),
    path("comptes/revendiquer/<slug:slug>/", claims.claim_start, name="claim-start"),
    path("comptes/revendication/<str:token>/", claims.claim_confirm, name="claim-confirm"),
    path(
        "evaluation/initiatives/<slug:slug>/",
        initiative.initiative_result,
        name="initiative-result",
    ),
    path(
        "mesures/initiatives/<slug:slug>/",
        initiative.initiative_recommendations,
        name="initiative-recommendations",
    ),
]
