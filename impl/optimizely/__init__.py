"""Optimizely Configured Commerce: the Storefront API sessions and the identity endpoint."""
