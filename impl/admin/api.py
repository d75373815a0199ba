"""The admin API's mount."""

from impl.admin.errors import render
from impl.core.api import Api

API = Api("admin", "admin.yaml", "/_admin", "impl.admin.handlers", render)
