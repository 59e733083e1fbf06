"""Collecting figures: one per scope, metric and value, keeping the better scope spelling;
and where a figure stands (baseline or forecast)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from parsers.context import in_baseline, in_forecast
from parsers.document import Block, Document
from parsers.extractors.coverage.scopes import _with_metric
from parsers.models import CoverageFigure, CoverageForecast
from parsers.quantities import RANGE, Quantity

TEST_NAME = re.compile(r"^(?:.*/)?(?:tests?_\w+|\w+_tests?|[\w.]+\.(?:test|spec))(?:\.\w{1,4})?$")


TEST_FILE = re.compile(r"^(?:tests?_)?(?P<stem>[\w\-]+?)(?:_tests?|\.test|\.spec)?(?:\.\w{1,4})?$")


def same_scope_key(scope: str) -> str:
    """Scope spellings that name one thing: ``.../client`` and ``github.com/x/client``,
    ``executionService`` and ``executionService.ts``, ``test_auth.py`` and ``auth.py``."""
    last = scope.lower().rstrip("/").rsplit("/", 1)[-1]
    match = TEST_FILE.match(last)
    return match.group("stem") if match else last


def _better_scope(new: str, old: str) -> bool:
    """Of two spellings of one scope keep the module over its tests (``auth.py`` over
    ``test_auth.py``) and the file over its bare stem (``auth.py`` over ``auth``)."""
    if TEST_NAME.match(old) and not TEST_NAME.match(new):
        return True
    return (
        "." in new.rsplit("/", 1)[-1]
        and "." not in old.rsplit("/", 1)[-1]
        and (not TEST_NAME.match(new))
    )


def _other_folders(new: str, old: str) -> bool:
    """Two paths in different folders (``lib/mesh/__init__.py``, ``app/__init__.py``): one name,
    two files. A folder that ends the other (``.../mesh``, ``src/mesh``) is the same place."""
    new_folder = new.lower().rpartition("/")[0].strip("./")
    old_folder = old.lower().rpartition("/")[0].strip("./")
    if not new_folder or not old_folder:
        return False
    return not (new_folder.endswith(old_folder) or old_folder.endswith(new_folder))


@dataclass(slots=True)
class Mention:
    """Where a percentage stands: baseline, forecast, or measured now."""

    baseline: bool = False
    forecast: bool = False


def mention_of(doc: Document, block: Block, text: str) -> Mention:
    vocab = doc.vocab
    label = text.split(":")[0][:60]
    return Mention(
        baseline=in_baseline(doc, block) or vocab.role("columns", "baseline").found(label),
        forecast=in_forecast(doc, block) or vocab.role("sections", "forecast").found(label),
    )


class Collector:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.figures: list[CoverageFigure] = []
        self.forecasts: list[CoverageForecast] = []
        self.seen: set[tuple[str, str, float]] = set()
        self.by_key: dict[tuple[str, str, float], CoverageFigure] = {}
        #: (metric, value) of unnamed headline figures ("**Coverage**: 31.2%") and of named
        #: ones in metric rows ("| Controller Coverage | 31.2% |"): one figure said twice
        self.headlines: set[tuple[str, float]] = set()
        self.named_headlines: set[tuple[str, float]] = set()

    def add(
        self,
        scope: str,
        quantity: Quantity,
        line: int,
        target: float | None = None,
        metric: str | None = None,
        estimated: bool = False,
    ) -> None:
        scope = scope.strip() or "overall"
        if not 0 <= quantity.value <= 100 or len(scope) > 80:
            return
        key = (same_scope_key(scope), metric or "", round(quantity.value, 2))
        if key in self.seen and _other_folders(scope, self.by_key[key].scope):
            key = (scope.lower(), metric or "", round(quantity.value, 2))  # two __init__.py
        if key in self.seen:
            earlier = self.by_key[key]
            if _better_scope(scope, earlier.scope):
                earlier.scope = _with_metric(scope, metric)
            return
        self.seen.add(key)
        self.by_key[key] = CoverageFigure(
            scope=_with_metric(scope, metric),
            value=quantity.value,
            target=target,
            estimated=estimated or quantity.approximate,
            metric=metric,
            line=line,
        )
        self.figures.append(self.by_key[key])

    def resolved(self) -> list[CoverageFigure]:
        """The figures, a headline dropped where a named scope states the same figure
        ("Coverage: 31.2%" in the header, "| Controller Coverage | 31.2% |" in a table)."""
        named = {
            (figure.metric or "", round(figure.value, 2))
            for figure in self.figures
            if not figure.scope.startswith("overall")
        } & self.named_headlines
        return [
            figure
            for figure in self.figures
            if not (
                figure.scope.startswith("overall")
                and (figure.metric or "", round(figure.value, 2)) in self.headlines & named
            )
        ]

    def forecast(self, scope: str, text: str, line: int) -> None:
        match = RANGE.search(text)
        if match is None:
            return
        self.forecasts.append(
            CoverageForecast(
                scope=scope, low=float(match.group(1)), high=float(match.group(2)), line=line
            )
        )
