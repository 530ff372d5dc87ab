"""Japanese time: every site, desk and deadline lives in it.

Its own module because both the site-file models (`model.py`) and desk hours (`hours.py`)
need it, and the models validate hours through `hours.py`: with TOKYO in either of them the
two would import each other.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")
