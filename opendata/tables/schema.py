"""How a published table is declared, column by column, and described as a Table Schema
(frictionless format, in the style of schema.data.gouv.fr): types, code patterns, licence."""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TABLE_SCHEMA_PROFILE = "https://frictionlessdata.io/schemas/table-schema.json"
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
CONTRIBUTORS = [{"title": "Région Occitanie / Pyrénées-Méditerranée", "role": "author"}]
MISSING_VALUES = [""]  # an empty cell is a missing value; no other marker is used

# Patterns of the codes. Codes are text: they keep their leading zeros ("09", "09100").
SLUG = r"^[-a-zA-Z0-9_]+$"
REFERENCE_CODES = r"^[A-Z0-9_]+(\|[A-Z0-9_]+)*$"  # one code or several, separated by |
POSTAL_CODE = r"^[0-9]{5}$"
INSEE_COMMUNE = r"^(2[AB]|[0-9]{2})[0-9]{3}$"
INSEE_DEPARTEMENT = r"^(2[AB]|97[1-6]|[0-9]{2})$"

# How the data dictionary names each Table Schema type.
TYPE_LABELS = {
    "string": _("text"),
    "integer": _("integer"),
    "number": _("decimal number"),
    "boolean": _("boolean (true or false)"),
    "datetime": _("date and time (ISO 8601)"),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, number, boolean, datetime
    title: Promise
    description: Promise
    example: str
    required: bool = False
    unique: bool = False
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    format: str | None = None  # "uri" for addresses
    # trueValues/falseValues of a boolean: the exports write true and false.
    extra: dict = field(default_factory=dict)

    @property
    def type_label(self):
        return TYPE_LABELS[self.type]

    def descriptor(self) -> dict:
        """The Table Schema field, with the texts in the active language."""
        constraints = {"required": self.required}
        if self.unique:
            constraints["unique"] = True
        for key in ("pattern", "enum", "minimum", "maximum"):
            value = getattr(self, key)
            if value is not None:
                constraints[key] = list(value) if key == "enum" else value
        descriptor = {
            "name": self.name,
            "title": str(self.title),
            "description": str(self.description),
            "type": self.type,
            "example": self.example,
            "constraints": constraints,
        }
        if self.format:
            descriptor["format"] = self.format
        return descriptor | self.extra


@dataclass(frozen=True)
class Table:
    slug: str  # file names and schema address: <slug>.csv, schema-<slug>.json
    schema_name: str
    title: Promise
    description: Promise
    columns: tuple[Column, ...]
    primary_key: str
    version: str  # of the schema, semantic versioning
    created: str
    last_modified: str
    keywords: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def table_schema(self, *, homepage: str, path: str, resource: str) -> dict:
        """The Table Schema of the table, in French (the convention of schema.data.gouv.fr):
        `homepage` is the open-data page, `path` the schema's own address, `resource` the
        address of the CSV file it describes."""
        with translation.override("fr"):
            return {
                "$schema": TABLE_SCHEMA_PROFILE,
                "name": self.schema_name,
                "title": str(self.title),
                "description": str(self.description),
                "countryCode": "FR",
                "homepage": homepage,
                "path": path,
                "resources": [{"title": str(self.title), "path": resource}],
                "created": self.created,
                "lastModified": self.last_modified,
                "version": self.version,
                "contributors": CONTRIBUTORS,
                "licenses": [LICENCE],
                "keywords": list(self.keywords),
                "fields": [column.descriptor() for column in self.columns],
                "missingValues": MISSING_VALUES,
                "primaryKey": self.primary_key,
            }


BOOLEAN = {"trueValues": ["true"], "falseValues": ["false"]}


def codes_column(name, title, description, example):
    return Column(name, "string", title, description, example, pattern=REFERENCE_CODES)


def text_column(name, title, description, example, **kwargs):
    return Column(name, "string", title, description, example, **kwargs)


def updated_column(description):
    return Column(
        "date_maj", "datetime", _("Last change"), description, "2026-03-02T09:30:00+01:00"
    )
