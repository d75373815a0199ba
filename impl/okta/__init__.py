"""Okta: the Sessions API and the primary authentication call that feeds it."""
