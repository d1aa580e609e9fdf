"""Background tasks of planning (core.background): recomputing the coverage of the territory
and the reach of the measures, so that the next page that shows them finds them computed.

planning.queries keeps both in the cache under its data version; this task computes them for
the current data (after an import or a publication, say) outside anyone's request.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.background import Launcher, Outcome, register_launcher, start, tracked

from . import queries


@tracked
def recompute_coverage(progress) -> Outcome:
    version = queries.data_version()
    progress(0, 2)
    base = queries.coverage_base(version)
    progress(1, 2)
    queries.measure_reach(version)
    progress(2, 2)
    return Outcome(
        gettext("Coverage recomputed: %(communes)s communes, %(outlets)s eligible outlets.")
        % {"communes": len(base.communes), "outlets": len(base.outlet_ids)},
        {"communes": len(base.communes), "outlets": len(base.outlet_ids), "version": version},
    )


register_launcher(
    Launcher(
        code="recompute-coverage",
        label=_("Recompute coverage and reach"),
        permission="core.view_taskrun",
        start=lambda request: start(
            recompute_coverage, label=gettext("Recompute coverage and reach"), by=request.user
        ),
    )
)
