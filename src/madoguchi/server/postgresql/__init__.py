"""Django's PostgreSQL backend with the C loader for `timestamptz` columns (see `base`)."""
