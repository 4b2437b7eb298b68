"""govservices' state changes: authorised, atomic, recorded in the ledger (one module per area)."""
