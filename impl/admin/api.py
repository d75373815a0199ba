"""The admin API's mount."""

from ..core.api import Api
from .errors import render

API = Api("admin", "admin.yaml", "/_admin", f"{__package__}.handlers", render)
