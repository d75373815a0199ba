// Salesforce Commerce Cloud's npm OCAPI client (commercecloud-ocapi-client 0.2.0, unmodified)
// through a shopper's calls against Sessim: guest login, basket, billing address (a PUT the
// client sends as POST + x-dw-http-method-override, its default), session bridge,
// credentials login, a refused password, refresh, logout (a real DELETE) and a call with the
// logged-out token. Usage: node ocapi_flow.js <basePath> <clientId> <login> <password>.
// Prints one JSON document: each step's status, headers and body, or the fault it rejected with.
'use strict';

const ShopApi = require('commercecloud-ocapi-client');

const [basePath, clientId, login, password] = process.argv.slice(2);
const client = new ShopApi.ApiClient({basePath, defaultHeaders: {}, timeout: 10000});
client.authentications.client_id.apiKey = clientId;
const customers = new ShopApi.CustomersApi(client);
const baskets = new ShopApi.BasketsApi(client);
const sessions = new ShopApi.SessionsApi(client);

async function step(call) {
  try {
    const {data, response} = await call();
    return {
      status: response.status,
      headers: response.headers,
      body: data === null || data === undefined ? null : JSON.parse(JSON.stringify(data)),
    };
  } catch (fault) {
    if (fault instanceof ShopApi.Fault) {
      return {fault: {type: fault.type, message: fault.message, arguments: fault.arguments}};
    }
    return {error: String(fault)};
  }
}

async function main() {
  const steps = {};
  steps.guest = await step(() => customers.postCustomersAuthWithHttpInfo({type: 'guest'}));
  steps.basket = await step(() => baskets.postBasketsWithHttpInfo());
  const basketId = steps.basket.body && steps.basket.body.basket_id;
  const address = {first_name: 'Jane', last_name: 'Doe', city: 'Burlington', country_code: 'US'};
  steps.billingAddress = await step(() =>
    baskets.putBasketsByIDBillingAddressWithHttpInfo(basketId, {body: address}));
  steps.bridge = await step(() => sessions.postSessionsWithHttpInfo());
  const basic = 'Basic ' + Buffer.from(`${login}:${password}`).toString('base64');
  const wrong = 'Basic ' + Buffer.from(`${login}:wrong`).toString('base64');
  steps.wrongPassword = await step(() =>
    customers.postCustomersAuthWithHttpInfo({type: 'credentials'}, {authorization: wrong}));
  steps.login = await step(() =>
    customers.postCustomersAuthWithHttpInfo({type: 'credentials'}, {authorization: basic}));
  steps.refresh = await step(() => customers.postCustomersAuthWithHttpInfo({type: 'refresh'}));
  const refreshed = client.defaultHeaders.authorization;
  steps.logout = await step(() => customers.deleteCustomersAuthWithHttpInfo());
  steps.afterLogout = await step(() => sessions.postSessionsWithHttpInfo());
  steps.refreshedToken = refreshed;
  process.stdout.write(JSON.stringify(steps));
}

main();
