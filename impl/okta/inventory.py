"""Okta's users, live sessions, unspent single-use tokens and the OAuth tokens its
authorization servers issued, for the inspector."""

from __future__ import annotations

from ..core.kit.vendor_state import AccountsInventory
from .issued import live_tokens
from .state import Okta, okta

inventory = AccountsInventory[Okta](
    okta,
    {
        "sessionToken": lambda state: state.session_tokens,
        "recoveryToken": lambda state: state.recovery_tokens,
        "stateToken": lambda state: state.state_tokens,
    },
    inactive="DEPROVISIONED",
    session_cookie="sid",
    listed=live_tokens,
)
