"""What other apps may hear from subcontracts without it knowing them (it sits below them)."""

from django.dispatch import Signal

# Sent inside `services.accept`'s transaction with `request` (the SubcontractRequest, now
# accepted, with its site and case): a receiver that raises undoes the acceptance.
request_accepted = Signal()
