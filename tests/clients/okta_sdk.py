"""The parts of Okta's Python SDK (okta==3.0.0) that tests/clients/test_okta_sdk*.py use.

Importing the SDK takes seconds of CPU (hundreds of generated models); the test module loads
this one lazily, so that only the worker that runs an SDK test pays for it, not every xdist
worker while it collects.
"""

from okta.api_response import ApiResponse
from okta.client import Client as OktaClient
from okta.errors.okta_api_error import OktaAPIError
from okta.http_client import HTTPClient
from okta.models.application_credentials_o_auth_client import ApplicationCredentialsOAuthClient
from okta.models.application_lifecycle_status import ApplicationLifecycleStatus
from okta.models.application_sign_on_mode import ApplicationSignOnMode
from okta.models.authorization_server import AuthorizationServer
from okta.models.authorization_server_policy import AuthorizationServerPolicy
from okta.models.authorization_server_policy_rule import AuthorizationServerPolicyRule
from okta.models.authorization_server_policy_rule_actions import (
    AuthorizationServerPolicyRuleActions,
)
from okta.models.authorization_server_policy_rule_conditions import (
    AuthorizationServerPolicyRuleConditions,
)
from okta.models.client_policy_condition import ClientPolicyCondition
from okta.models.create_session_request import CreateSessionRequest
from okta.models.create_user_request import CreateUserRequest
from okta.models.grant_type_policy_rule_condition import GrantTypePolicyRuleCondition
from okta.models.o_auth2_scope import OAuth2Scope
from okta.models.o_auth2_scopes_mediation_policy_rule_condition import (
    OAuth2ScopesMediationPolicyRuleCondition,
)
from okta.models.o_auth_application_credentials import OAuthApplicationCredentials
from okta.models.o_auth_endpoint_authentication_method import OAuthEndpointAuthenticationMethod
from okta.models.o_auth_grant_type import OAuthGrantType
from okta.models.o_auth_response_type import OAuthResponseType
from okta.models.open_id_connect_application import OpenIdConnectApplication
from okta.models.open_id_connect_application_settings import OpenIdConnectApplicationSettings
from okta.models.open_id_connect_application_settings_client import (
    OpenIdConnectApplicationSettingsClient,
)
from okta.models.open_id_connect_application_type import OpenIdConnectApplicationType
from okta.models.password_credential import PasswordCredential
from okta.models.policy_rule_conditions import PolicyRuleConditions
from okta.models.policy_rule_type import PolicyRuleType
from okta.models.session import Session
from okta.models.session_authentication_method import SessionAuthenticationMethod
from okta.models.session_identity_provider import SessionIdentityProvider
from okta.models.session_identity_provider_type import SessionIdentityProviderType
from okta.models.session_status import SessionStatus
from okta.models.token_authorization_server_policy_rule_action import (
    TokenAuthorizationServerPolicyRuleAction,
)
from okta.models.user import User
from okta.models.user_activation_token import UserActivationToken
from okta.models.user_credentials import UserCredentials
from okta.models.user_profile import UserProfile
from okta.models.user_status import UserStatus
from okta.request_executor import RequestExecutor

__all__ = [
    "ApiResponse",
    "ApplicationCredentialsOAuthClient",
    "ApplicationLifecycleStatus",
    "ApplicationSignOnMode",
    "AuthorizationServer",
    "AuthorizationServerPolicy",
    "AuthorizationServerPolicyRule",
    "AuthorizationServerPolicyRuleActions",
    "AuthorizationServerPolicyRuleConditions",
    "ClientPolicyCondition",
    "CreateSessionRequest",
    "CreateUserRequest",
    "GrantTypePolicyRuleCondition",
    "HTTPClient",
    "OAuth2Scope",
    "OAuth2ScopesMediationPolicyRuleCondition",
    "OAuthApplicationCredentials",
    "OAuthEndpointAuthenticationMethod",
    "OAuthGrantType",
    "OAuthResponseType",
    "OktaAPIError",
    "OktaClient",
    "OpenIdConnectApplication",
    "OpenIdConnectApplicationSettings",
    "OpenIdConnectApplicationSettingsClient",
    "OpenIdConnectApplicationType",
    "PasswordCredential",
    "PolicyRuleConditions",
    "PolicyRuleType",
    "RequestExecutor",
    "Session",
    "SessionAuthenticationMethod",
    "SessionIdentityProvider",
    "SessionIdentityProviderType",
    "SessionStatus",
    "TokenAuthorizationServerPolicyRuleAction",
    "User",
    "UserActivationToken",
    "UserCredentials",
    "UserProfile",
    "UserStatus",
]
