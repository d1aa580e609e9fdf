"""What the dry run decides for one row of the file."""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.models import Commune, Initiative

CREATE, UPDATE, UNCHANGED, REJECT = "create", "update", "unchanged", "reject"
RELATIONS = ("products", "labels", "needs")


@dataclass
class RowPlan:
    line: int
    action: str = CREATE
    name: str = ""
    target: Initiative | None = None
    values: dict = field(default_factory=dict)  # field name -> value (Initiative's types)
    relations: dict = field(default_factory=dict)  # products/labels/needs -> [rows]
    changes: dict = field(default_factory=dict)  # what an update writes
    changed: list[str] = field(default_factory=list)  # its column names, for people
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    matched_by: str = ""
    position: tuple[float, float] | None = None
    commune: Commune | None = None
    created_slug: str = ""  # once written

    @property
    def slug(self) -> str:
        return self.target.slug if self.target is not None else self.created_slug

    def reject(self, message: str) -> None:
        self.errors.append(message)
        self.action = REJECT

    def as_json(self) -> dict:
        return {
            "line": self.line,
            "action": self.action,
            "name": self.name,
            "slug": self.slug,
            "matched_by": self.matched_by,
            "changed": self.changed,
            "errors": self.errors,
            "warnings": self.warnings,
        }
