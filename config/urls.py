from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("evaluation/", include("assessment.urls")),
    path("mesures/", include("recommendations.urls")),
    path("", include("registry.urls")),
]
