"""The vocabulary: what flows from sources to pages, as pydantic models.

    Document -> Signal -> Score -> (Supplier + Score) -> Exposure
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from risk import INDICATORS

Indicator = Literal[
    "migration_pressure", "airspace_disruption", "trade_disruption", "sanctions_exposure"
]
Role = Literal["affected", "origin", "destination", "location", "spillover"]
Modality = Literal["asserted", "hedged", "negated", "counterfactual", "lifted"]

assert set(INDICATORS) == set(Indicator.__args__)  # type: ignore[attr-defined]


class Document(BaseModel):
    """One article, feed item or GDELT record group, as read from a source."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable id: sha256 of the normalised title and text")
    source: str = Field(description="Path, URL or feed the document came from")
    item: str | None = Field(default=None, description="Item id or link inside a feed/list")
    url: str | None = None
    title: str = ""
    text: str = ""
    published: datetime | None = None
    kind: Literal["article", "feed_item", "gdelt_event", "gdelt_gkg"] = "article"


class Signal(BaseModel):
    """One statement about an event, attributed to the country it affects."""

    model_config = ConfigDict(frozen=True)

    document: str = Field(description="Source path or item id the signal came from")
    document_id: str = ""
    country: str = Field(min_length=3, max_length=3, description="ISO3 of the affected country")
    indicator: Indicator
    weight: float = Field(description="Signed; hedged/negated weigh less, lifted weighs negative")
    role: Role = "affected"
    modality: Modality = "asserted"
    sentence: str
    trigger: str = ""
    method: str = Field(default="", description="Extraction method and version")
    published: datetime | None = None


class Score(BaseModel):
    """One country's score for one indicator (or the composite) on one day."""

    iso3: str
    indicator: str
    day: date
    baseline: float
    news: float
    spillover: float
    score: float
    method_version: str


class Supplier(BaseModel):
    """One validated supplier row."""

    model_config = ConfigDict(str_strip_whitespace=True)

    line: int = Field(ge=1, description="Line number in the uploaded file")
    name: str = Field(min_length=1, max_length=500)
    country: str | None = Field(default=None, description="ISO3, once resolved")
    country_raw: str | None = None
    address: str | None = None
    city: str | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    annual_spend: float | None = Field(default=None, ge=0)
    currency: str | None = None
    criticality: int | None = Field(default=None, ge=1, le=5)
    category: str | None = None
    tier: int | None = Field(default=None, ge=1)
    single_source: bool | None = None
    location_source: Literal["country", "city", "coordinates"] | None = None
    flags: list[str] = Field(default_factory=list)
