// Okta's Node SDK (@okta/okta-sdk-nodejs 8.1.0, unmodified) sets up an OIDC application as
// an integration test would: create a service app, read it, list it, get a client_credentials
// token with it from the default authorization server, deactivate it (the token endpoint then
// refuses it), delete it, and read it once more.
// Usage: node okta_apps_flow.js <orgUrl> <apiToken> <scope>.
// Prints one JSON document: each step's result (the SDK's model as JSON) or the error it threw.
'use strict';

const okta = require('@okta/okta-sdk-nodejs');

const [orgUrl, token, scope] = process.argv.slice(2);
const client = new okta.Client({orgUrl, token});
const apps = client.applicationApi;

async function step(call) {
  try {
    const result = await call();
    return {result: result === undefined ? null : JSON.parse(JSON.stringify(result))};
  } catch (error) {
    return {error: {status: error.status, errorCode: error.errorCode,
      errorSummary: error.errorSummary, name: error.name}};
  }
}

async function clientCredentials(clientId, secret) {
  const response = await fetch(`${orgUrl}/oauth2/default/v1/token`, {
    method: 'POST',
    headers: {
      'Authorization': 'Basic ' + Buffer.from(`${clientId}:${secret}`).toString('base64'),
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({grant_type: 'client_credentials', scope}),
  });
  return {status: response.status, body: await response.json()};
}

async function main() {
  const steps = {};
  const application = {
    name: 'oidc_client',
    label: 'Node orders service',
    signOnMode: 'OPENID_CONNECT',
    credentials: {oauthClient: {token_endpoint_auth_method: 'client_secret_basic'}},
    settings: {oauthClient: {
      application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'],
    }},
  };
  steps.create = await step(() => apps.createApplication({application}));
  const created = steps.create.result || {};
  const appId = created.id;
  const {client_id: clientId, client_secret: secret} = (created.credentials || {}).oauthClient || {};
  steps.get = await step(() => apps.getApplication({appId}));
  steps.list = await step(async () => {
    const ids = [];
    for await (const app of await apps.listApplications({q: 'Node'})) {
      ids.push(app.id);
    }
    return ids;
  });
  steps.token = await step(() => clientCredentials(clientId, secret));
  steps.deactivate = await step(() => apps.deactivateApplication({appId}));
  steps.refused = await step(() => clientCredentials(clientId, secret));
  steps.delete = await step(() => apps.deleteApplication({appId}));
  steps.deleted = await step(() => apps.getApplication({appId}));
  process.stdout.write(JSON.stringify(steps));
}

main();
