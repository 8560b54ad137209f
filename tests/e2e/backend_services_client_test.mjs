// SMART Backend Services with a real FHIR client: a backend app registered with
// `vigil auth add-client` finds the token endpoint with fhir-kit-client's
// smartAuthMetadata(), signs its client assertion (ES384, Node's built-in
// crypto), gets a token from `vigil serve --auth smart`, and then creates,
// reads and searches resources with fhir-kit-client using that bearer token.
// Usage: node backend_services_client_test.mjs VIGIL DATA_DIR BASE_URL   (exit 0 = all passed)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'fhir-kit-client';

const [vigil, dataDir, baseUrl] = process.argv.slice(2);
if (!baseUrl) {
  console.error('usage: node backend_services_client_test.mjs VIGIL DATA_DIR BASE_URL');
  process.exit(2);
}
let failures = 0;

// A step that hangs ends the run with its name instead of running into ctest's
// timeout with no output (seen once in CI). execFileSync below has its own
// timeout, since a blocked event loop cannot fire this one.
const STEP_TIMEOUT_MS = 30000;
function hangGuard(name) {
  return setTimeout(() => {
    console.log(`FAIL ${name}: no answer within ${STEP_TIMEOUT_MS} ms; stopping`);
    process.exit(1);
  }, STEP_TIMEOUT_MS);
}

async function check(name, fn) {
  const guard = hangGuard(name);
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
  } finally {
    clearTimeout(guard);
  }
}

function status(result) {
  return Client.httpFor(result)?.response?.status;
}

const b64u = (bytes) => Buffer.from(bytes).toString('base64url');

// The backend app's key pair; only the public JWK is given to the server.
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const kid = 'e2e-es384';
const clientId = 'e2e-backend';

// A client assertion (SMART "Client Authentication: Asymmetric"): ES384, raw r||s.
function clientAssertion(tokenUrl) {
  const header = { alg: 'ES384', kid, typ: 'JWT' };
  const claims = {
    iss: clientId, sub: clientId, aud: tokenUrl, jti: randomUUID(),
    exp: Math.floor(Date.now() / 1000) + 240,
  };
  const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(claims))}`;
  const signature = sign('sha384', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64u(signature)}`;
}

async function requestToken(tokenUrl, scope) {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion(tokenUrl),
    }),
  });
  return { status: response.status, body: await response.json() };
}

await check('vigil auth add-client registers the app with its public JWK', async () => {
  const jwksPath = join(dataDir, '..', 'e2e-client.jwks.json');
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES384', use: 'sig' };
  writeFileSync(jwksPath, JSON.stringify({ keys: [jwk] }));
  const out = execFileSync(vigil, ['auth', 'add-client', '--data', dataDir, '--jwks', jwksPath,
    '--scope', 'system/Patient.cruds system/Observation.cruds', '--id', clientId],
    { timeout: STEP_TIMEOUT_MS });
  assert.equal(out.toString().trim(), clientId);
});

const anonymous = new Client({ baseUrl });
let tokenUrl;
await check('smartAuthMetadata finds the token endpoint', async () => {
  const metadata = await anonymous.smartAuthMetadata();
  assert.ok(metadata.tokenUrl, 'no tokenUrl');
  tokenUrl = metadata.tokenUrl.toString();
  assert.equal(tokenUrl, baseUrl.replace(/\/fhir$/, '/auth/token'));
});

await check('without a token the FHIR API answers 401', async () => {
  await assert.rejects(anonymous.search({ resourceType: 'Patient' }),
    (e) => e.response?.status === 401);
});

let client;
await check('the token endpoint issues a bearer token for the requested scopes', async () => {
  const { status: code, body } = await requestToken(tokenUrl, 'system/Patient.cruds system/Observation.rs');
  assert.equal(code, 200, JSON.stringify(body));
  assert.equal(body.token_type, 'bearer');
  assert.equal(body.scope, 'system/Patient.cruds system/Observation.rs');
  assert.ok(body.expires_in > 0 && body.expires_in <= 300);
  client = new Client({ baseUrl, bearerToken: body.access_token });
});

let patientId;
await check('create, read and search a Patient with the token', async () => {
  const created = await client.create({
    resourceType: 'Patient',
    body: { resourceType: 'Patient', identifier: [{ system: 'urn:e2e', value: 'BS-1' }],
      name: [{ family: 'Backend', given: ['Service'] }] },
  });
  assert.equal(status(created), 201);
  patientId = created.id;
  const read = await client.read({ resourceType: 'Patient', id: patientId });
  assert.equal(read.name[0].family, 'Backend');
  const found = await client.search({ resourceType: 'Patient', searchParams: { identifier: 'urn:e2e|BS-1' } });
  assert.equal(found.total, 1);
  assert.equal(found.entry[0].resource.id, patientId);
});

await check('a write outside the granted scopes is 403', async () => {
  await assert.rejects(client.create({
    resourceType: 'Observation',
    body: { resourceType: 'Observation', status: 'final', code: { text: 'heart rate' },
      subject: { reference: `Patient/${patientId}` } },
  }), (e) => e.response?.status === 403);
});

await check('a second token with Observation.c creates and searches Observations', async () => {
  const { status: code, body } = await requestToken(tokenUrl, 'system/Observation.crs');
  assert.equal(code, 200, JSON.stringify(body));
  const observer = new Client({ baseUrl, bearerToken: body.access_token });
  const created = await observer.create({
    resourceType: 'Observation',
    body: { resourceType: 'Observation', status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      subject: { reference: `Patient/${patientId}` },
      valueQuantity: { value: 91, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } },
  });
  assert.equal(status(created), 201);
  const found = await observer.search({ resourceType: 'Observation', searchParams: { subject: `Patient/${patientId}` } });
  assert.equal(found.total, 1);
});

await check('a scope the app is not registered for is invalid_scope', async () => {
  const { status: code, body } = await requestToken(tokenUrl, 'system/Encounter.rs');
  assert.equal(code, 400);
  assert.equal(body.error, 'invalid_scope');
});

if (failures > 0) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('all backend services client checks passed');
