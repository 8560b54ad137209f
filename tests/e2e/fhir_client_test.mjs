// Drives a running `vigil serve` with the npm FHIR client fhir-kit-client, as an
// application would: CRUD, versioning, conditional create, a transaction with
// urn:uuid references, searches with chaining and _include, history, paging to
// the end, Patient/$everything and a Bulk Data $export.
// Usage: node fhir_client_test.mjs BASE_URL   (exit 0 = all passed)
import assert from 'node:assert/strict';
import { Client } from 'fhir-kit-client';

const baseUrl = process.argv[2];
if (!baseUrl) {
  console.error('usage: node fhir_client_test.mjs BASE_URL');
  process.exit(2);
}
const client = new Client({ baseUrl });
let failures = 0;

async function check(name, fn) {
  try {
    await fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}

function status(result) {
  return Client.httpFor(result)?.response?.status;
}

let patientId;
await check('capability statement', async () => {
  const cs = await client.capabilityStatement();
  assert.equal(cs.resourceType, 'CapabilityStatement');
  assert.equal(cs.fhirVersion, '4.0.1');
});

await check('create and read', async () => {
  const created = await client.create({
    resourceType: 'Patient',
    body: {
      resourceType: 'Patient',
      identifier: [{ system: 'http://hospital.example/mrn', value: 'E2E-1' }],
      name: [{ family: 'Kit', given: ['Client'] }],
      gender: 'female',
      birthDate: '1980-02-03',
    },
  });
  assert.equal(status(created), 201);
  assert.equal(created.meta.versionId, '1');
  patientId = created.id;
  const read = await client.read({ resourceType: 'Patient', id: patientId });
  assert.equal(read.name[0].family, 'Kit');
});

await check('update makes version 2; vread returns version 1', async () => {
  const current = await client.read({ resourceType: 'Patient', id: patientId });
  current.gender = 'other';
  const updated = await client.update({ resourceType: 'Patient', id: patientId, body: current });
  assert.equal(updated.meta.versionId, '2');
  const v1 = await client.vread({ resourceType: 'Patient', id: patientId, version: '1' });
  assert.equal(v1.gender, 'female');
});

await check('stale If-Match is refused with 412', async () => {
  const current = await client.read({ resourceType: 'Patient', id: patientId });
  await assert.rejects(
    client.update({
      resourceType: 'Patient', id: patientId, body: current,
      options: { headers: { 'If-Match': 'W/"1"' } },
    }),
    (e) => e.response?.status === 412);
});

await check('conditional create returns the existing patient', async () => {
  const again = await client.create({
    resourceType: 'Patient',
    body: { resourceType: 'Patient', name: [{ family: 'Duplicate' }] },
    options: { headers: { 'If-None-Exist': 'identifier=http://hospital.example/mrn|E2E-1' } },
  });
  assert.equal(again.id, patientId);
  assert.equal(status(again), 200);
});

let observationCount = 0;
await check('transaction with urn:uuid references', async () => {
  const entries = [{
    fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111',
    resource: {
      resourceType: 'Organization', name: 'Kit General Hospital',
      identifier: [{ system: 'http://org', value: 'KGH' }],
    },
    request: { method: 'POST', url: 'Organization' },
  }, {
    fullUrl: 'urn:uuid:22222222-2222-4222-8222-222222222222',
    resource: {
      resourceType: 'Patient', name: [{ family: 'Transaction', given: ['Tess'] }],
      managingOrganization: { reference: 'urn:uuid:11111111-1111-4111-8111-111111111111' },
    },
    request: { method: 'POST', url: 'Patient' },
  }];
  for (let i = 0; i < 7; i++) {
    entries.push({
      resource: {
        resourceType: 'Observation', status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
        subject: { reference: 'urn:uuid:22222222-2222-4222-8222-222222222222' },
        effectiveDateTime: `2024-01-0${i + 1}T10:00:00Z`,
        valueQuantity: { value: 60 + i, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      },
      request: { method: 'POST', url: 'Observation' },
    });
  }
  observationCount = 7;
  const result = await client.transaction({
    body: { resourceType: 'Bundle', type: 'transaction', entry: entries },
  });
  assert.equal(result.type, 'transaction-response');
  assert.equal(result.entry.length, entries.length);
  for (const e of result.entry) assert.match(e.response.status, /^201/);
});

await check('chained search: Observation?subject:Patient.name=Transaction', async () => {
  const bundle = await client.search({
    resourceType: 'Observation',
    searchParams: { 'subject:Patient.name': 'Transaction', code: 'http://loinc.org|8867-4' },
  });
  assert.equal(bundle.total, observationCount);
});

await check('two-level chain: Observation?patient.organization.name=Kit', async () => {
  const bundle = await client.search({
    resourceType: 'Observation',
    searchParams: { 'patient.organization.name': 'Kit General' },
  });
  assert.equal(bundle.total, observationCount);
});

await check('_include brings the patient once', async () => {
  const bundle = await client.search({
    resourceType: 'Observation',
    searchParams: { code: '8867-4', _include: 'Observation:subject' },
  });
  const patients = bundle.entry.filter((e) => e.resource.resourceType === 'Patient');
  assert.equal(patients.length, 1);
  assert.equal(patients[0].search.mode, 'include');
  assert.equal(patients[0].resource.name[0].family, 'Transaction');
});

await check('paging to the end visits every match once', async () => {
  let bundle = await client.search({
    resourceType: 'Observation', searchParams: { code: '8867-4', _count: '3', _sort: 'date' },
  });
  const seen = [];
  while (bundle) {
    for (const e of bundle.entry ?? []) seen.push(e.resource.id);
    bundle = await client.nextPage({ bundle });
  }
  assert.equal(seen.length, observationCount);
  assert.equal(new Set(seen).size, observationCount);
});

await check('date and quantity prefixes', async () => {
  const late = await client.search({
    resourceType: 'Observation', searchParams: { date: 'ge2024-01-05', code: '8867-4' },
  });
  assert.equal(late.total, 3);
  const fast = await client.search({
    resourceType: 'Observation', searchParams: { 'value-quantity': 'gt64' },
  });
  assert.equal(fast.total, 2);
});

await check('history of the patient, newest first', async () => {
  const history = await client.history({ resourceType: 'Patient', id: patientId });
  assert.equal(history.type, 'history');
  assert.equal(history.total, 2);
  assert.equal(history.entry[0].resource.meta.versionId, '2');
});

await check('delete, then read is 410 Gone', async () => {
  await client.delete({ resourceType: 'Patient', id: patientId });
  await assert.rejects(client.read({ resourceType: 'Patient', id: patientId }),
    (e) => e.response?.status === 410);
});

await check('bad input gets an OperationOutcome', async () => {
  await assert.rejects(client.read({ resourceType: 'Patient', id: 'does-not-exist' }),
    (e) => e.response?.status === 404 && e.response?.data?.resourceType === 'OperationOutcome');
  await assert.rejects(
    client.search({ resourceType: 'Observation', searchParams: { date: 'gt2024-13-45' } }),
    (e) => e.response?.status === 400);
});

await check('Patient/$everything has the compartment and the referenced Organization', async () => {
  const found = await client.search({ resourceType: 'Patient', searchParams: { name: 'Transaction' } });
  const id = found.entry[0].resource.id;
  let bundle = await client.operation({
    name: 'everything', resourceType: 'Patient', id, method: 'GET', input: { _count: '4' },
  });
  const matches = [];
  const included = [];
  while (bundle) {
    for (const e of bundle.entry ?? []) {
      (e.search?.mode === 'include' ? included : matches).push(`${e.resource.resourceType}/${e.resource.id}`);
    }
    bundle = await client.nextPage({ bundle });
  }
  assert.equal(matches[0], `Patient/${id}`);
  assert.equal(matches.filter((k) => k.startsWith('Observation/')).length, observationCount);
  assert.equal(new Set(matches).size, matches.length);
  assert.ok(included.some((k) => k.startsWith('Organization/')), JSON.stringify(included));
});

// Bulk Data $export is asynchronous and answers NDJSON, which is not what a
// FHIR client library speaks: plain fetch, as a bulk client would.
await check('Patient-level $export: kick-off, poll, download NDJSON', async () => {
  const patients = await client.search({ resourceType: 'Patient', searchParams: { _summary: 'count' } });
  const refused = await fetch(`${baseUrl}/Patient/$export`);
  assert.equal(refused.status, 400);  // no Prefer: respond-async
  const kickOff = await fetch(`${baseUrl}/Patient/$export?_type=Patient,Observation`, {
    headers: { Prefer: 'respond-async', Accept: 'application/fhir+json' },
  });
  assert.equal(kickOff.status, 202);
  const statusUrl = kickOff.headers.get('content-location');
  assert.ok(statusUrl.startsWith(`${baseUrl}/$export-status/`), statusUrl);
  let status;
  for (let i = 0; i < 300; i++) {
    status = await fetch(statusUrl);
    if (status.status !== 202) break;
    assert.ok(status.headers.get('x-progress'));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(status.status, 200);
  const manifest = await status.json();
  assert.equal(manifest.requiresAccessToken, false);
  assert.deepEqual(manifest.error, []);
  const counts = {};
  for (const output of manifest.output) {
    const file = await fetch(output.url);
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-type'), /ndjson/);
    const lines = (await file.text()).split('\n').filter((l) => l.length > 0);
    assert.equal(lines.length, output.count);
    for (const line of lines) assert.equal(JSON.parse(line).resourceType, output.type);
    counts[output.type] = (counts[output.type] ?? 0) + lines.length;
  }
  assert.deepEqual(counts, { Patient: patients.total, Observation: observationCount });
  const cancelled = await fetch(statusUrl, { method: 'DELETE' });
  assert.equal(cancelled.status, 202);
  assert.equal((await fetch(statusUrl)).status, 404);
});

if (failures) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('all checks passed');
