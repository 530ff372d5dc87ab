"""The app of customers, sites, contracts, events and bill lines: the rows a site file holds.

Its package is `madoguchi.contracts` but its label stays "sites", the name it had when the
package was `madoguchi.sites`: the label names the database tables (sites_site, sites_contract,
…), the rows of django_migrations, the content types and permissions, and every migration's
dependency ("sites", "00xx"). Keeping it lets an existing database run on without a migration.
The pages under /sites/ live in the app `madoguchi.sites` (label "site_pages"), above the
apps a site page reads."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "madoguchi.contracts"
    label = "sites"
    verbose_name = _("Sites and contracts")
