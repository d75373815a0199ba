// Each vendor's log-in, a session read that relies on the cookie or token it gave, and the
// log-out, as a storefront's own code calls them with fetch(..., {credentials: 'include'}).
'use strict';

const JSON_BODY = {'Accept': 'application/json', 'Content-Type': 'application/json'};
const OCAPI = '/sfcc/s/RefArch/dw/shop/v20_8';

const okta = {
  // Primary authentication: a one-time sessionToken, no cookie yet.
  async authn(username, password) {
    const body = JSON.stringify({username, password});
    const record = await call('Okta: authn', '/okta/api/v1/authn', {method: 'POST', headers: JSON_BODY, body});
    keep('sessionToken', record.body?.sessionToken);
    return record;
  },
  // The token becomes the org's session cookie in a top-level visit that comes back here.
  cookie() {
    const query = new URLSearchParams({token: kept.sessionToken, redirectUrl: location.href});
    location.assign(`${SESSIM}/okta/login/sessionCookieRedirect?${query}`);
    return {redirecting: true};
  },
  read: () => call('Okta: my session (cookie)', '/okta/api/v1/sessions/me', {headers: {'Accept': 'application/json'}}),
  logout: () => call('Okta: end my session', '/okta/api/v1/sessions/me', {method: 'DELETE', headers: {'Accept': 'application/json'}}),
};

const sfcc = {
  // Credentials login: the JWT comes back in the Authorization response header.
  async login(clientId, login, password) {
    const headers = {...JSON_BODY, 'x-dw-client-id': clientId, 'Authorization': 'Basic ' + btoa(`${login}:${password}`)};
    const body = JSON.stringify({type: 'credentials'});
    const record = await call('SFCC: credentials', `${OCAPI}/customers/auth`, {method: 'POST', headers, body});
    keep('jwt', record.headers?.authorization);
    return record;
  },
  // The session bridge: the JWT becomes the storefront's session cookies.
  bridge: () => call('SFCC: session bridge', `${OCAPI}/sessions`, {method: 'POST', headers: {'Authorization': kept.jwt}}),
  // The cookies alone name the customer again.
  read(clientId) {
    const headers = {...JSON_BODY, 'x-dw-client-id': clientId};
    const body = JSON.stringify({type: 'session'});
    return call('SFCC: customer from the session cookies', `${OCAPI}/customers/auth`, {method: 'POST', headers, body});
  },
  logout: () => call('SFCC: log out', `${OCAPI}/customers/auth`, {method: 'DELETE', headers: {'Authorization': kept.jwt}}),
  // The logged-out token, refused.
  refresh(clientId) {
    const headers = {...JSON_BODY, 'x-dw-client-id': clientId, 'Authorization': kept.jwt};
    const body = JSON.stringify({type: 'refresh'});
    return call('SFCC: refresh after log-out', `${OCAPI}/customers/auth`, {method: 'POST', headers, body});
  },
};

const optimizely = {
  // IdentityServer's password grant for the storefront client, then the session.
  async login(client, secret, userName, password) {
    const form = new URLSearchParams({grant_type: 'password', username: userName, password, scope: 'iscapi'});
    const basic = {'Authorization': 'Basic ' + btoa(`${client}:${secret}`)};
    const token = await call('Optimizely: token', '/optimizely/identity/connect/token', {method: 'POST', headers: basic, body: form});
    if (token.status !== 200) {
      return token;
    }
    keep('bearer', `Bearer ${token.body.access_token}`);
    const headers = {...JSON_BODY, 'Authorization': kept.bearer};
    const body = JSON.stringify({userName, password});
    return call('Optimizely: sign in', '/optimizely/api/v1/sessions', {method: 'POST', headers, body});
  },
  read: () => call('Optimizely: current session (token)', '/optimizely/api/v1/sessions/current', {headers: {'Authorization': kept.bearer}}),
  logout: () => call('Optimizely: sign out', '/optimizely/api/v1/sessions/current', {method: 'DELETE', headers: {'Authorization': kept.bearer}}),
};

const vestiaire = {
  async login(email, password) {
    const body = JSON.stringify({email, password});
    const record = await call('Vestiaire: log in', '/vestiaire/sessions', {method: 'POST', headers: JSON_BODY, body});
    keep('session', record.body?.data?.id);
    return record;
  },
  // apiv2's sessions service has no read: naming another session with the token reads the
  // token's own without ending it (403 while it lives, 401 once it is gone).
  read: () => call('Vestiaire: the token\'s session', '/vestiaire/sessions/another', {method: 'DELETE', headers: {'__session': kept.session}}),
  logout: () => call('Vestiaire: log out', `/vestiaire/sessions/${kept.session}`, {method: 'DELETE', headers: {'__session': kept.session}}),
};

window.spa = {okta, sfcc, optimizely, vestiaire};
