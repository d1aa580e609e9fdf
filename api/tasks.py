"""Background exports of the whole region (core.background): the API's CSV or GeoJSON of every
validated initiative (or the eligible ones), written to a file that staff download from the list
of background tasks. Same items and columns as `/api/v1/initiatives/?format=…`."""

from urllib.parse import urlsplit

from django.test import RequestFactory
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment.models import Verdict
from core.background import Launcher, Outcome, register_launcher, start, tracked
from core.exports import write_export
from core.urls import site_url

from .exports import stream_csv, stream_geojson
from .initiatives import list_queryset

WRITERS = {"csv": stream_csv, "geojson": stream_geojson}


def _request(address: str):
    """A GET of the list as the person who started the export sent it: the items' absolute
    URLs use its scheme and host."""
    parts = urlsplit(address or "http://localhost")
    return RequestFactory().get(
        "/api/v1/initiatives/", secure=parts.scheme == "https", HTTP_HOST=parts.netloc
    )


@tracked
def export_initiatives(
    progress, *, fmt: str = "csv", eligible_only: bool = False, address: str = ""
) -> Outcome:
    if fmt not in WRITERS:
        raise ValueError(f"Unknown export format {fmt!r}")
    queryset = list_queryset(framework_version=False)
    if eligible_only:
        queryset = queryset.filter(verdict=Verdict.ELIGIBLE)
    total = queryset.count()
    progress(0, total)
    response = WRITERS[fmt](queryset, _request(address))
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    kind = "eligibles" if eligible_only else "initiatives"
    filename = f"{kind}-{stamp}-{progress.run_id}.{fmt}"
    _path, size = write_export(filename, response.streaming_content)
    progress(total, total)
    return Outcome(
        gettext("%(count)s initiatives exported (%(size)s kB).")
        % {"count": total, "size": round(size / 1024)},
        {"filename": filename, "rows": total, "bytes": size, "format": fmt},
    )


def _launcher(code: str, label, *, fmt: str, eligible_only: bool) -> Launcher:
    return register_launcher(
        Launcher(
            code=code,
            label=label,
            permission="core.view_taskrun",
            start=lambda request: start(
                export_initiatives,
                label=str(label),
                by=request.user,
                fmt=fmt,
                eligible_only=eligible_only,
                address=site_url(request),
            ),
        )
    )


_launcher(
    "export-csv", _("Export every validated initiative (CSV)"), fmt="csv", eligible_only=False
)
_launcher(
    "export-eligible-csv", _("Export the eligible initiatives (CSV)"), fmt="csv", eligible_only=True
)
_launcher(
    "export-geojson",
    _("Export every validated initiative (GeoJSON)"),
    fmt="geojson",
    eligible_only=False,
)
