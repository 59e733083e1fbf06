"""The parser's output: what one report says, as data.

Every item carries ``line``: the 1-based source line it came from, so that the dashboard and the
lint feedback can point at it. Field names and values follow the evaluation format in the corpus
(``SCHEMA.md``); the richer fields (claimed vs computed status, operators, units, severities) are
what the service tracks across sessions.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["pass", "fail", "pending", "unknown"]
ReportKind = Literal["completion", "status", "remediation", "plan", "summary", "other"]
ChangeKind = Literal["added", "modified", "deleted", "renamed"]
Operator = Literal[">=", ">", "<=", "<", "=="]
GateSource = Literal["table", "checkbox", "prose", "front_matter"]
#: where an item other than a gate came from: the free-form body or the YAML front matter
ItemSource = Literal["body", "front_matter"]
Severity = Literal["error", "warning", "info"]


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line: int | None = Field(default=None, description="1-based source line of the item")


class Meta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    kind: ReportKind = "other"
    author: str | None = None
    date: str | None = Field(default=None, description="YYYY-MM-DD")
    sequence: str | None = None
    in_response_to: str | None = None
    scope: str | None = None
    lines: dict[str, int] = Field(
        default_factory=dict, description="source line of each meta field that was found"
    )


class Gate(Item):
    name: str
    target: str | None = Field(default=None, description="target as written, e.g. '>=67%'")
    current: str | None = Field(default=None, description="current value as written")
    status: Status = Field(description="claimed status where the report marks one, else computed")
    claimed_status: Status | None = None
    computed_status: Status | None = None
    operator: Operator | None = None
    target_value: float | None = None
    current_value: float | None = None
    unit: str | None = Field(default=None, description="'%', 'ms', 's', 'count', ...")
    source: GateSource = "table"


class CoverageFigure(Item):
    scope: str = Field(description="'overall' or the file/package/component as written")
    value: float
    target: float | None = None
    estimated: bool = False
    metric: str | None = Field(default=None, description="lines/branches/functions/statements")
    source: ItemSource = "body"


class CoverageForecast(Item):
    scope: str
    low: float
    high: float


class TestRun(Item):
    suite: str | None = Field(default=None, description="None for a grand total")
    total: int | None = None
    passed: int | None = None
    failed: int | None = None
    skipped: int | None = None
    errors: int | None = None
    source: ItemSource = "body"


class FileChange(Item):
    path: str
    change: ChangeKind | None = None
    source: ItemSource = "body"


class Blocker(Item):
    text: str
    resolved: bool = False
    severity: str | None = None
    source: ItemSource = "body"


class Command(Item):
    text: str
    source: ItemSource = "body"


class Section(Item):
    level: int
    title: str
    parent: int | None = Field(default=None, description="index of the parent section")


class ParseIssue(Item):
    message: str


class Finding(Item):
    """Feedback about the report itself (see :mod:`parsers.lint`): what to change so that the
    report parses exactly."""

    code: str = Field(description="stable identifier, e.g. 'gate-table-without-status'")
    severity: Severity
    message: str = Field(description="what is wrong, where")
    fix: str = Field(description="how to fix it, in words an agent can act on")


class ParsedReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parser_version: str
    meta: Meta = Field(default_factory=Meta)
    gates: list[Gate] = Field(default_factory=list)
    coverage: list[CoverageFigure] = Field(default_factory=list)
    coverage_forecasts: list[CoverageForecast] = Field(default_factory=list)
    tests: list[TestRun] = Field(default_factory=list)
    files_changed: list[FileChange] = Field(default_factory=list)
    blockers: list[Blocker] = Field(default_factory=list)
    commands: list[Command] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    issues: list[ParseIssue] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    summary: str = Field(default="", description="one line: what was read, how many findings")

    def to_schema_dict(self) -> dict[str, object]:
        """The evaluation format of the corpus (commands as plain strings), plus every richer field.

        ``commands`` becomes a list of strings as SCHEMA.md asks; their line numbers move to
        ``command_lines`` so that nothing is lost.
        """
        data = self.model_dump(mode="json")
        data["command_lines"] = [command.line for command in self.commands]
        data["commands"] = [command.text for command in self.commands]
        return data
