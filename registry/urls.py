from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("initiatives/<slug:slug>/", views.initiative_detail, name="initiative-detail"),
]
