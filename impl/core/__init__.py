"""Vendor-neutral mechanics: clock, store, identities, sessions, tokens, errors."""
