"""Optimizely Configured Commerce: the identity token endpoint (IdentityServer) for now."""
