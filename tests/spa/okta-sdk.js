// Okta's browser SDK (@okta/okta-auth-js, unmodified) with its issuer on Sessim: it builds
// every URL from the issuer's origin (`issuer.split('/oauth2/')[0]`), so the issuer carries
// Sessim's /okta path. Each call's outcome is shown and returned as data (calls.js).
'use strict';

const authClient = new OktaAuth({issuer: `${SESSIM}/okta/oauth2/default`});

async function outcome(title, promise) {
  try {
    return show(title, {result: await promise});
  } catch (error) {
    return show(title, {error: `${error.name}: ${error.message}`, errorCode: error.errorCode, status: error.xhr?.status});
  }
}

const sdk = {
  async signIn(username, password) {
    const signedIn = outcome('signInWithCredentials', authClient.signInWithCredentials({username, password})
      .then(({status, sessionToken, user}) => ({status, sessionToken, user})));
    const record = await signedIn;
    keep('sessionToken', record.result?.sessionToken);
    return record;
  },
  // The SDK leaves the page for the org and comes back to it with the session cookie.
  setCookieAndRedirect() {
    authClient.session.setCookieAndRedirect(kept.sessionToken, location.href);
    return {redirecting: true};
  },
  exists: () => outcome('session.exists()', authClient.session.exists()),
  // The session without its functions (refresh, user), which do not cross to the test.
  get: () => outcome('session.get()', authClient.session.get()
    .then(({refresh, user, ...session}) => session)),
  close: () => outcome('closeSession()', authClient.closeSession()),
};

window.spa = {sdk};
