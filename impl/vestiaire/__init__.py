"""Vestiaire Collective apiv2 SessionsService: log in and log out."""
