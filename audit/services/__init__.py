"""Use cases: load rows, call the domain, write rows. Services flush; callers commit once."""
