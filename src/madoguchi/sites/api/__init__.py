"""The API of the site document: sites and their files (`sites`), their contracts, events and
bill lines (`records`), and the parties and desks they name (`parties`)."""

from madoguchi.sites.api.parties import parties
from madoguchi.sites.api.sites import records, sites

__all__ = ["parties", "records", "sites"]
