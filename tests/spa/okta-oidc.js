// Okta's browser SDK (@okta/okta-auth-js, unmodified) signing in with OpenID Connect against
// Sessim's default authorization server: the authorization code flow with PKCE by redirect
// and back to this page, silent renewal in a hidden iframe (prompt=none, okta_post_message)
// on the Okta session, and sign-out. Each outcome is shown and returned as data (calls.js).
// Sessim serves Okta at its root here (`sessim serve --root okta`), as an Okta org is at its
// host's root: okta-auth-js takes the issuer's origin to be what precedes `/oauth2/`, and
// takes the silent renewal's message only from that origin.
'use strict';

const PAGE = `${location.origin}${location.pathname}`;
const authClient = new OktaAuth({
  issuer: `${SESSIM}/oauth2/default`,
  clientId: 'spa',
  redirectUri: PAGE,
  postLogoutRedirectUri: PAGE,
  scopes: ['openid', 'profile', 'email'],
  pkce: true,
  // The test renews by hand; back from the redirect the page stays where it is.
  tokenManager: {autoRenew: false, autoRemove: false},
  restoreOriginalUri: async () => history.replaceState(null, '', PAGE),
});

async function outcome(title, promise) {
  try {
    return show(title, {result: await promise});
  } catch (error) {
    return show(title, {error: `${error.name}: ${error.message}`, errorCode: error.errorCode});
  }
}

// What a token says, for the test: its claims (the SDK decodes an access token only when
// told to: decoded here), not the token itself nor the SDK's objects.
const claimsOf = (token) => token.claims || authClient.token.decode(token.accessToken).payload;

function described(tokens) {
  return {
    idToken: tokens.idToken && {claims: tokens.idToken.claims, expiresAt: tokens.idToken.expiresAt},
    accessToken: tokens.accessToken && {claims: claimsOf(tokens.accessToken), scopes: tokens.accessToken.scopes},
  };
}

const oidc = {
  // To Sessim's authorize (its sign-in page without a session), back here with a code.
  signInWithRedirect() {
    authClient.signInWithRedirect({originalUri: PAGE});
    return {redirecting: true};
  },
  isLoginRedirect: () => ({result: authClient.isLoginRedirect()}),
  // The code from the URL redeemed (PKCE) at the token endpoint, the tokens stored.
  handleLoginRedirect: () => outcome('handleLoginRedirect()', authClient.handleLoginRedirect()
    .then(async () => described(await authClient.tokenManager.getTokens()))),
  tokens: async () => outcome('tokenManager.getTokens()', authClient.tokenManager.getTokens().then(described)),
  // prompt=none in a hidden iframe, answered by okta_post_message, on the Okta session.
  getWithoutPrompt: () => outcome('token.getWithoutPrompt()', authClient.token.getWithoutPrompt()
    .then(({tokens}) => described(tokens))),
  renew: (key) => outcome(`tokenManager.renew('${key}')`, authClient.tokenManager.renew(key)
    .then((token) => ({claims: claimsOf(token), expiresAt: token.expiresAt}))),
  isAuthenticated: () => outcome('isAuthenticated()', authClient.isAuthenticated()),
  // Revokes the access token, then to Sessim's logout with the ID token and back here.
  signOut() {
    authClient.signOut().then(
      (result) => show('signOut()', {result}),
      (error) => show('signOut()', {error: `${error.name}: ${error.message}`}));
    return {redirecting: true};
  },
};

window.spa = {oidc};
