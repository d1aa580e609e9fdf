from django.shortcuts import get_object_or_404, render

from .models import Initiative


def initiative_detail(request, slug):
    initiative = get_object_or_404(
        Initiative.objects.validated().select_related("type", "commune", "departement"), slug=slug
    )
    return render(request, "registry/initiative_detail.html", {"initiative": initiative})
