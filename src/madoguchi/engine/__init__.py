"""The assessment engine: pure Python, no Django, fast to import.

Entry points: `parse_site` (text → SiteFile or SiteFileError) and `assess` (SiteFile →
Assessment). The web, the API and the CLI all go through these two.
"""

from madoguchi.engine.assess import assess
from madoguchi.engine.catalog import Catalog, load_catalog
from madoguchi.engine.model import SiteFile
from madoguchi.engine.results import Assessment
from madoguchi.engine.sitefile import Problem, SiteFileError, parse_site

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
