"""The assessment engine: pure Python, no Django, fast to import.

Entry points: `parse_site` (text → SiteFile or SiteFileError) and `assess` (SiteFile →
Assessment). The web, the API and the CLI all go through these two.
"""

from typing import TYPE_CHECKING, Any

from madoguchi.engine.assess import assess
from madoguchi.engine.catalog import Catalog, load_catalog
from madoguchi.engine.results import Assessment
from madoguchi.engine.sitefile import Problem, SiteFileError, parse_site

if TYPE_CHECKING:
    from madoguchi.engine.model import SiteFile


def __getattr__(name: str) -> Any:
    """`SiteFile` on first use: importing it builds the pydantic models, which the CLI's
    light path never needs."""
    if name == "SiteFile":
        from madoguchi.engine.model import SiteFile

        return SiteFile
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Assessment",
    "Catalog",
    "Problem",
    "SiteFile",
    "SiteFileError",
    "assess",
    "load_catalog",
    "parse_site",
]
