"""The tables the open data publish as CSV, each column declared once: its name, type, meaning,
example and constraints. From these come the data dictionary of the open-data page and the
Table Schemas (frictionless format, in the style of schema.data.gouv.fr) served at
/donnees-ouvertes/schema-<table>.json.

The initiatives table is the API's CSV export (api.exports.CSV_COLUMNS: same names, same order,
same values) without the columns in WITHHELD_COLUMNS: the open data carry no personal contact,
not even the public e-mail and phone of a listing, which may be a person's own (a sole trader,
a volunteer of an association). The API and the site still show them while they are public.

Column names are a public contract, as the API's: add columns, never rename or remove one
without a new major version of the schema.
"""

from .criteria import CRITERIA
from .initiatives import INITIATIVES
from .measures import MEASURES

TABLES = {table.slug: table for table in (INITIATIVES, CRITERIA, MEASURES)}
