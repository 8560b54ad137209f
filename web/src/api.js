// Calls to `vigil serve`: the dashboard's JSON under /api (docs/dashboard.md),
// the cohort and alert APIs, and the FHIR API. With a server started with
// --auth smart, the bearer token entered with the "Token" button is sent
// (kept in sessionStorage: gone when the tab closes).
const TOKEN_KEY = 'vigil.token';

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// The error message of a JSON answer: {"error"} (dashboard), an
// OperationOutcome (FHIR), or the status line.
function messageOf(status, body, path) {
  if (body && typeof body.error === 'string') return body.error;
  if (body && body.resourceType === 'OperationOutcome' && body.issue && body.issue.length) {
    return body.issue.map((i) => i.diagnostics || i.code).join('; ');
  }
  if (status === 401) return 'this server needs a bearer token (vigil serve --auth smart): use the Token button';
  return `HTTP ${status}`;
}

export async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token()) headers.Authorization = `Bearer ${token()}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, `${method} ${path}: ${messageOf(response.status, json, path)} (HTTP ${response.status})`, json);
  }
  return json;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);

export const patientPath = (id) => `/api/patients/${encodeURIComponent(id)}`;
export const trendPath = (id, system, code) =>
  `${patientPath(id)}/trends?code=${encodeURIComponent(system ? `${system}|${code}` : code)}`;
