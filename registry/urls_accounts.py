from django.urls import path

from . import accounts

app_name = "accounts"
urlpatterns = [
    # Same path as Django's `login` (included after this module): this one answers, with a
    # form that ignores the case of e-mail addresses and sends each role to its home page.
    # reverse("login") gives the same URL.
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("inscription/", accounts.signup, name="signup"),
    path("verification/<str:token>/", accounts.verify, name="verify"),
    path("profil/", accounts.profile, name="profile"),
    path("mes-initiatives/", accounts.my_initiatives, name="my-initiatives"),
    path("mes-initiatives/nouvelle/", accounts.initiative_create, name="initiative-create"),
    path(
        "mes-initiatives/nouvelle/<slug:step>/",
        accounts.initiative_create,
        name="initiative-create-step",
    ),
    path("initiatives/<slug:slug>/modifier/", accounts.initiative_edit, name="initiative-edit"),
    path(
        "initiatives/<slug:slug>/modifier/<slug:step>/",
        accounts.initiative_edit,
        name="initiative-edit",
    ),
    path(
        "initiatives/<slug:slug>/soumettre/",
        accounts.initiative_submit,
        name="initiative-submit",
    ),
    path("communes/", accounts.commune_search, name="commune-search"),
    path("revendiquer/", accounts.claim_search, name="claim-search"),
    path("revendiquer/<slug:slug>/", accounts.claim_start, name="claim-start"),
    path("revendication/<str:token>/", accounts.claim_confirm, name="claim-confirm"),
]
