// A single-page app's calls to Sessim on another origin, each shown on the page (for the
// screenshots) and returned as the page saw it: status, the headers CORS lets it read, body,
// or the error fetch rejected with. State an SPA keeps between steps lives in sessionStorage,
// so that it survives the page's own reload after a redirect.
'use strict';

// Sessim's URL, from the page's query; kept for the session, so that a page the browser comes
// back to from a redirect (with the redirect's own query) still knows it.
const SESSIM = new URLSearchParams(location.search).get('sessim') || sessionStorage.getItem('sessim');
sessionStorage.setItem('sessim', SESSIM);
document.getElementById('origin').textContent = location.origin;
document.getElementById('sessim').textContent = SESSIM;

const kept = JSON.parse(sessionStorage.getItem('spa') || '{}');

function keep(name, value) {
  kept[name] = value;
  sessionStorage.setItem('spa', JSON.stringify(kept));
}

function show(title, record) {
  const item = document.createElement('li');
  item.className = record.error ? 'refused' : 'answered';
  const heading = document.createElement('strong');
  heading.textContent = title;
  const detail = document.createElement('pre');
  detail.textContent = JSON.stringify(record, null, 1);
  item.append(heading, detail);
  document.getElementById('steps').append(item);
  return record;
}

async function call(title, path, init) {
  const record = {method: init.method || 'GET', path};
  try {
    const response = await fetch(SESSIM + path, {credentials: 'include', ...init});
    record.status = response.status;
    record.headers = Object.fromEntries(response.headers.entries());
    const text = await response.text();
    record.body = record.headers['content-type']?.includes('json') ? JSON.parse(text) : text;
  } catch (error) {
    record.error = `${error.name}: ${error.message}`;
  }
  return show(title, record);
}

// Runs one step for the test (selenium's execute_async_script): what it resolved with, or
// the error it threw, as data.
async function run(steps, name, ...args) {
  try {
    return await steps[name](...args);
  } catch (error) {
    return show(name, {error: `${error.name}: ${error.message}`});
  }
}
