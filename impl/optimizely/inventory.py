"""Optimizely's users, sign-ins and unspent refresh and reset tokens, for the inspector.
Access tokens are JWTs that Sessim does not keep, so none is listed."""

from __future__ import annotations

from ..core.kit.vendor_state import AccountsInventory
from .state import Optimizely, optimizely
from .users import DEACTIVATED

inventory = AccountsInventory[Optimizely](
    optimizely,
    {
        "refresh_token": lambda state: state.refresh_tokens,
        "resetToken": lambda state: state.reset_tokens,
    },
    inactive=DEACTIVATED,
)
