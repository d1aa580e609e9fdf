from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path


def favicon(request):
    # static() runs per request, not at import: in production it reads the manifest that
    # collectstatic writes, and `migrate` and `check --deploy` import the URLs before that.
    return HttpResponsePermanentRedirect(static("img/logo.svg"))


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Accounts: Django's auth views (login, logout, password_reset…) plus ours (accounts:…).
    path("", include("accounts.urls")),
    path("comptes/", include("django.contrib.auth.urls")),
    path("", include("backoffice.urls")),
    path("api/", include("api.urls")),
    path("", include("catalogue.urls")),
    # Browsers ask for /favicon.ico on pages that do not name an icon (the admin).
    path("favicon.ico", favicon),
]

# Baselines of bench/load.py, only where the bench turned them on (never in production).
if settings.BENCH_VIEWS:
    urlpatterns.insert(0, path("_bench/", include("api.bench_views")))

# Under /api/ errors are JSON, as the API's own; elsewhere the site's pages (core.api_errors).
handler400 = "core.api_errors.bad_request"
handler404 = "core.api_errors.page_not_found"
handler500 = "core.api_errors.server_error"
