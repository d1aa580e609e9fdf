"""The assessment's admin: frameworks with their criteria, criteria alone, and past assessments
(read-only). Importing the modules registers their ModelAdmins, as Django's autodiscovery expects
of `assessment.admin`."""

from . import assessments, criteria, frameworks

__all__ = ["assessments", "criteria", "frameworks"]
