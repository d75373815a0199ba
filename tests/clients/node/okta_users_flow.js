// Okta's Node SDK (@okta/okta-sdk-nodejs 8.1.0, unmodified) through the set-up and clean-up
// of its own integration tests against Sessim: create a staged user with a password,
// activate it without an email, read it, deactivate it, delete it, and read it once more.
// Usage: node okta_users_flow.js <orgUrl> <apiToken> <login> <password>.
// Prints one JSON document: each step's result (the SDK's model as JSON) or the error it threw.
'use strict';

const okta = require('@okta/okta-sdk-nodejs');

const [orgUrl, token, login, password] = process.argv.slice(2);
const client = new okta.Client({orgUrl, token});
const users = client.userApi;

async function step(call) {
  try {
    const result = await call();
    return {result: result === undefined ? null : JSON.parse(JSON.stringify(result))};
  } catch (error) {
    return {error: {status: error.status, errorCode: error.errorCode,
      errorSummary: error.errorSummary, name: error.name}};
  }
}

async function main() {
  const steps = {};
  const body = {
    profile: {firstName: 'Jane', lastName: 'Doe-Node', email: login, login},
    credentials: {password: {value: password}},
  };
  steps.create = await step(() => users.createUser({body, activate: false}));
  const userId = steps.create.result && steps.create.result.id;
  steps.activate = await step(() => users.activateUser({userId, sendEmail: false}));
  steps.active = await step(() => users.getUser({userId}));
  steps.deactivate = await step(() => users.deactivateUser({userId}));
  steps.deactivated = await step(() => users.getUser({userId}));
  steps.delete = await step(() => users.deleteUser({userId}));
  steps.deleted = await step(() => users.getUser({userId}));
  process.stdout.write(JSON.stringify(steps));
}

main();
