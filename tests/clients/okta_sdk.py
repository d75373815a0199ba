"""The parts of Okta's Python SDK (okta==3.0.0) that tests/clients/test_okta_sdk*.py use.

Importing the SDK takes seconds of CPU (hundreds of generated models); the test module loads
this one lazily, so that only the worker that runs an SDK test pays for it, not every xdist
worker while it collects.
"""

from okta.api_response import ApiResponse
from okta.client import Client as OktaClient
from okta.errors.okta_api_error import OktaAPIError
from okta.http_client import HTTPClient
from okta.models.create_session_request import CreateSessionRequest
from okta.models.create_user_request import CreateUserRequest
from okta.models.password_credential import PasswordCredential
from okta.models.session import Session
from okta.models.session_authentication_method import SessionAuthenticationMethod
from okta.models.session_identity_provider import SessionIdentityProvider
from okta.models.session_identity_provider_type import SessionIdentityProviderType
from okta.models.session_status import SessionStatus
from okta.models.user import User
from okta.models.user_activation_token import UserActivationToken
from okta.models.user_credentials import UserCredentials
from okta.models.user_profile import UserProfile
from okta.models.user_status import UserStatus
from okta.request_executor import RequestExecutor

__all__ = [
    "ApiResponse",
    "CreateSessionRequest",
    "CreateUserRequest",
    "HTTPClient",
    "OktaAPIError",
    "OktaClient",
    "PasswordCredential",
    "RequestExecutor",
    "Session",
    "SessionAuthenticationMethod",
    "SessionIdentityProvider",
    "SessionIdentityProviderType",
    "SessionStatus",
    "User",
    "UserActivationToken",
    "UserCredentials",
    "UserProfile",
    "UserStatus",
]
