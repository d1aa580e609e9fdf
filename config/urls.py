from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from recommendations.dashboard_views import urlpatterns as dashboard_urls
from registry.urls_backoffice import urlpatterns as backoffice_urls

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Accounts: Django's auth views (login, logout, password_reset…) plus ours (accounts:…).
    path("comptes/", include("registry.urls_accounts")),
    path("comptes/", include("django.contrib.auth.urls")),
    # Agents' back-office; the dashboard lives in recommendations (registry cannot import it).
    path("back-office/", include((backoffice_urls + dashboard_urls, "backoffice"))),
    path("api/", include("config.api")),
    path("evaluation/", include("assessment.urls")),
    path("mesures/", include("recommendations.urls")),
    path("", include("registry.urls")),
    # Browsers ask for /favicon.ico on pages that do not name an icon (the admin).
    path("favicon.ico", RedirectView.as_view(url=static("img/logo.svg"), permanent=True)),
]
