// The web dashboard in a real browser (Debian's Chromium via playwright-core):
// `vigil serve` on a fresh data folder filled with 20 synthetic-hospital stays
// (4 of them made in-progress), a few Synthea bundles when ../shared has them,
// a RiskAssessment history and an alert Flag posted over FHIR, and two HL7 v2
// dead letters. Every page must load without console errors and show what the
// test computed itself from the data it loaded: the ward's admitted patients
// in risk order, the patient's heart-rate points, the data page's counts (equal
// to the FHIR API's _summary=count totals), the cohort page's rendering of the
// cohort API's answer. Screenshots go to OUT_DIR.
//
// Usage: node dashboard_test.mjs PATH/TO/vigil OUT_DIR /usr/bin/chromium
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [vigil, outDir, chromiumPath] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const { chromium } = await import(pathToFileURL(join(root, 'web/node_modules/playwright-core/index.mjs')).href);
const started = Date.now();
const tmp = mkdtempSync(join(tmpdir(), 'vigil-dashboard-'));
const ADMITTED = 4;  // synthetic stays made in-progress
const HR = '8867-4';

let failures = 0;
let passes = 0;
const skips = [];
async function check(name, fn) {
  try {
    await fn();
    passes++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
  }
}

const readNdjson = (file) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const writeNdjson = (file, rows) => writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

// --- the data, and what the pages must show, computed here ---
const synth = join(tmp, 'synth');
execFileSync(vigil, ['synth', '--patients', '20', '--seed', '7', '--out', synth], { stdio: 'pipe' });
const encounters = readNdjson(join(synth, 'Encounter.ndjson'));
for (const e of encounters.slice(0, ADMITTED)) {  // still on the ward: open period, no discharge
  e.status = 'in-progress';
  delete e.period.end;
  delete e.hospitalization;
  const last = e.location[e.location.length - 1];
  last.status = 'active';
  delete last.period.end;
}
writeNdjson(join(synth, 'Encounter.ndjson'), encounters);
const observations = readNdjson(join(synth, 'Observation.ndjson'));
const shared = join(root, '../shared/data/synthea-r4');
const bundles = existsSync(shared)
  ? readdirSync(shared).filter((f) => f.endsWith('.json')).map((f) => join(shared, f))
    .sort((a, b) => statSync(a).size - statSync(b).size).slice(0, 3)
  : [];
let admitted = ADMITTED;
for (const b of bundles) {
  for (const entry of JSON.parse(readFileSync(b, 'utf8')).entry || []) {
    if (entry.resource.resourceType === 'Encounter' && entry.resource.status === 'in-progress') admitted++;
  }
}
const store = join(tmp, 'store');
execFileSync(vigil, ['import', '--data', store, ...['Patient', 'Encounter', 'Condition', 'Observation'].map((t) => join(synth, `${t}.ndjson`)), ...bundles], { stdio: 'pipe' });
const deadDir = join(store, 'dead-letter/hl7v2');
mkdirSync(deadDir, { recursive: true });
for (const id of ['1767225600000-0-1', '1767225600001-1-1']) {
  writeFileSync(join(deadDir, `${id}.hl7`), 'MSH|^~\\&|X\r');
  writeFileSync(join(deadDir, `${id}.json`), JSON.stringify({ id, reason: 'test', ack_code: 'AE', received_at: '2026-01-01T00:00:00Z', peer: 'test', control_id: '1', message_type: 'ADT^A01', bytes: 12 }));
}

// --- the server ---
const log = join(tmp, 'serve.log');
const serveStart = new Date().toISOString();  // after the import: its versions are older
const serve = spawn(vigil, ['serve', '--data', store, '--port', '0', '--threads', '2', '--no-audit'], { stdio: ['ignore', 'ignore', 'pipe'] });
let serveLog = '';
serve.stderr.on('data', (d) => { serveLog += d; });
const origin = await new Promise((resolve, reject) => {
  const timer = setInterval(() => {
    const m = serveLog.match(/FHIR R4 at (http\S+)\/fhir/);
    if (m) { clearInterval(timer); resolve(m[1]); }
  }, 50);
  serve.on('exit', (code) => { clearInterval(timer); reject(new Error(`vigil serve exited (${code}):\n${serveLog}`)); });
});
const fhir = `${origin}/fhir`;
process.on('exit', () => serve.kill('SIGKILL'));  // also when a step throws
setTimeout(() => { console.log('FAIL the test ran over 120 s'); process.exit(1); }, 120e3).unref();

async function call(method, url, body) {
  const r = await fetch(url, { method, headers: { 'Content-Type': 'application/fhir+json' }, body: body && JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, headers: r.headers, json: text ? JSON.parse(text) : null, text };
}
let posted = 0;
async function put(resource) {
  const r = await call('PUT', `${fhir}/${resource.resourceType}/${resource.id}`, resource);
  assert.ok(r.status === 201 || r.status === 200, `PUT ${resource.resourceType}/${resource.id}: ${r.status} ${r.text}`);
  posted++;
}

const patientOf = (e) => e.subject.reference.split('/')[1];
const [e1, e2] = encounters;
const p1 = patientOf(e1);
const p2 = patientOf(e2);
const admit = Date.parse(e1.period.start);
const at = (hours) => new Date(admit + hours * 3600e3).toISOString();
const range = [{ low: { value: 60, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' }, high: { value: 100, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' } }];
for (let i = 0; i < 3; i++) {
  await put({
    resourceType: 'Observation', id: `dash-hr-${i}`, status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: HR }] }, subject: { reference: `Patient/${p1}` },
    encounter: { reference: `Encounter/${e1.id}` }, effectiveDateTime: at(0.5 + i),
    valueQuantity: { value: 95 + 10 * i, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' }, referenceRange: range,
  });
}
const expectedHr = observations.filter((o) => o.subject.reference === `Patient/${p1}` && o.code.coding[0].code === HR).length + 3;

const SCORER = 'https://vigil.dev/fhir/CodeSystem/scorer';
const EXPLANATION = 'https://vigil.dev/fhir/StructureDefinition/risk-explanation';
function news2(id, patient, encounter, time, score, band) {
  return {
    resourceType: 'RiskAssessment', id, status: 'final', subject: { reference: `Patient/${patient}` },
    encounter: { reference: `Encounter/${encounter}` }, occurrenceDateTime: time,
    method: { coding: [{ system: SCORER, code: 'news2' }] },
    prediction: [{ outcome: { coding: [{ system: 'http://snomed.info/sct', code: '271594007' }] },
      qualitativeRisk: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/risk-probability', code: score >= 7 ? 'high' : 'moderate' }] } }],
    extension: [{ url: EXPLANATION, extension: [{ url: 'score', valueInteger: score }, { url: 'band', valueCode: band },
      { url: 'component', extension: [{ url: 'name', valueString: 'respiratory_rate' }, { url: 'value', valueDecimal: 26 }, { url: 'points', valueInteger: 3 }] }] }],
  };
}
function model(id, patient, encounter, time, p) {
  const part = (feature, value, contribution) => ({ url: 'contribution', extension: [
    { url: 'feature', valueString: feature }, ...(value === null ? [] : [{ url: 'value', valueDecimal: value }]),
    { url: 'contribution', valueDecimal: contribution }] });
  return {
    resourceType: 'RiskAssessment', id, status: 'final', subject: { reference: `Patient/${patient}` },
    encounter: { reference: `Encounter/${encounter}` }, occurrenceDateTime: time,
    method: { coding: [{ system: SCORER, code: 'model:sepsis-6h', display: 'sepsis-6h sha256:86a5' }] },
    prediction: [{ outcome: { coding: [{ system: 'http://snomed.info/sct', code: '91302008' }] }, probabilityDecimal: p,
      qualitativeRisk: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/risk-probability', code: p >= 0.135 ? 'high' : 'low' }] } }],
    extension: [{ url: EXPLANATION, extension: [
      { url: 'modelVersion', valueString: 'sha256:86a5' }, { url: 'threshold', valueDecimal: 0.135 },
      { url: 'logOdds', valueDecimal: Math.log(p / (1 - p)) }, { url: 'baseValue', valueDecimal: -2.0 },
      part('lactate.last', 3.4, 1.2), part('(other features)', null, Math.log(p / (1 - p)) + 0.8)] }],
  };
}
await put(news2('dash-n1', p1, e1.id, at(1), 6, 'medium'));
await put(model('dash-m1', p1, e1.id, at(1), 0.42));
await put(news2('dash-n2', p1, e1.id, at(2), 7, 'high'));
await put(model('dash-m2', p1, e1.id, at(2), 0.55));
await put(model('dash-m3', p2, e2.id, at(2), 0.2));
const flagId = 'dash-flag';
await put({
  resourceType: 'Flag', id: flagId, status: 'active',
  extension: [{ url: 'https://vigil.dev/fhir/StructureDefinition/raised-by', valueReference: { reference: 'RiskAssessment/dash-m1' } }],
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical' }] }],
  code: { coding: [{ system: 'https://vigil.dev/fhir/CodeSystem/alert', code: 'sepsis-risk' }], text: 'Sepsis risk 42% (threshold 14%)' },
  subject: { reference: `Patient/${p1}` }, encounter: { reference: `Encounter/${e1.id}` }, period: { start: at(1) },
});

// --- the browser ---
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const consoleErrors = [];
const allowedErrors = [];  // failures the test provokes on purpose: reported, not fatal
let allowErrorsFrom = null;  // a RegExp of URLs whose failures are expected now
page.on('console', (m) => {
  if (m.type() !== 'error') return;
  const text = `${m.text()} @ ${m.location().url || ''}`;
  (allowErrorsFrom && allowErrorsFrom.test(text) ? allowedErrors : consoleErrors).push(text);
});
page.on('pageerror', (e) => consoleErrors.push(`page error: ${e.message}`));
const shot = async (name) => page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });

await check('the page and its files are served with types and cache headers', async () => {
  const index = await fetch(`${origin}/`);
  assert.equal(index.status, 200, 'GET / (was web/dist built before vigil?)');
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const again = await fetch(`${origin}/`, { headers: { 'If-None-Match': index.headers.get('etag') } });
  assert.equal(again.status, 304);
  const js = await fetch(`${origin}/app.js`);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  const css = await fetch(`${origin}/app.css`);
  assert.match(css.headers.get('content-type'), /^text\/css/);
  assert.equal((await call('GET', `${fhir}/metadata`)).status, 200, 'the FHIR API behind /');
  const other = await call('GET', `${origin}/no-such-page`);
  assert.equal(other.status, 404);
  assert.equal(other.json.resourceType, 'OperationOutcome');
});

await check(`ward board lists the ${admitted} admitted patients, highest risk first`, async () => {
  await page.goto(`${origin}/`);
  await page.waitForSelector('#ward-status[data-count]');
  assert.equal(await page.getAttribute('#ward-status', 'data-count'), String(admitted));
  const rows = await page.$$eval('#ward tbody tr', (trs) => trs.map((tr) => ({
    patient: tr.dataset.patient, news2: tr.querySelector('[data-col=news2]').textContent,
    risk: tr.querySelector('[data-col=risk]').textContent, alert: tr.querySelector('[data-col=alert]').textContent,
    trend: `${tr.querySelector('[data-col=trend]').dataset.points} ${tr.querySelector('[data-col=trend]').dataset.direction || ''}`,
  })));
  assert.equal(rows.length, admitted);
  assert.deepEqual(rows[0], { patient: p1, news2: '7', risk: '55%', alert: 'ALERT', trend: '2 up' });  // 42% -> 55%
  assert.equal(rows[1].patient, p2);
  assert.equal(rows[1].risk, '20%');
  assert.equal(rows[1].trend, '1 flat');
  assert.equal(await page.$$eval('#ward tbody tr:first-child [data-col=trend] svg polyline', (l) => l.length), 1);
  const board = (await call('GET', `${origin}/api/ward`)).json;
  assert.equal(board.rows.length, admitted);
  await shot('ward');
});

await check(`patient page charts all ${expectedHr} heart rates, the risk history and the explanation`, async () => {
  await page.click(`#ward tbody tr[data-patient="${p1}"] a`);
  await page.waitForSelector('#patient-name');
  const chart = `figure[data-code="http://loinc.org|${HR}"][data-drawn]`;
  await page.waitForSelector(chart);
  assert.equal(await page.getAttribute(chart, 'data-drawn'), String(expectedHr));
  const trend = (await call('GET', `${origin}/api/patients/${p1}/trends?code=http://loinc.org|${HR}`)).json;
  assert.equal(trend.points.length, expectedHr);
  assert.deepEqual([trend.referenceRange.low, trend.referenceRange.high], [60, 100]);
  await page.waitForSelector('figure[data-code="risk"]');
  assert.equal(await page.getAttribute('figure[data-code="risk"]', 'data-points'), '4');
  assert.equal(await page.$$eval('#contributions .bar-row', (r) => r.length), 2);
  await page.waitForFunction(() => document.querySelectorAll('.chart-slot').length === 0);
  assert.match(await page.textContent('.alert-panel h2'), /Sepsis risk 42%/);
  await shot('patient');
});

await check('alert buttons post the feedback and show the answer or the error', async () => {
  const sent = [];
  let answer = { status: 200, body: { resourceType: 'Flag', id: flagId, status: 'active' } };
  await page.route('**/api/alerts/*/feedback', async (route) => {
    sent.push({ url: new URL(route.request().url()).pathname, method: route.request().method(), body: route.request().postDataJSON() });
    await route.fulfill({ status: answer.status, contentType: 'application/json', body: JSON.stringify(answer.body) });
  });
  await page.click('#acknowledge');
  await page.waitForSelector('#feedback-result.ok');
  assert.equal(await page.textContent('#feedback-result'), 'Acknowledged: the alert is now active');
  assert.deepEqual(sent[0], { url: `/api/alerts/${flagId}/feedback`, method: 'POST', body: { action: 'acknowledge' } });
  await page.click('#dismiss');  // no reason: refused before any request
  assert.equal(await page.textContent('#feedback-result'), 'Give a reason to dismiss the alert.');
  answer = { status: 409, body: { error: 'the alert was already acknowledged' } };
  allowErrorsFrom = /feedback/;
  await page.fill('#dismiss-reason', 'known COPD, baseline tachypnoea');
  await page.click('#dismiss');
  await page.waitForSelector('#feedback-result.failed');
  assert.match(await page.textContent('#feedback-result'), /Dismissed failed: .*already acknowledged.*409/);
  assert.deepEqual(sent[1].body, { action: 'dismiss', reason: 'known COPD, baseline tachypnoea' });
  await page.unroute('**/api/alerts/*/feedback');
  allowErrorsFrom = null;
});

await check('the Acknowledge button against the real alert feedback API', async () => {
  let real = null;
  await page.route('**/api/alerts/*/feedback', async (route) => {  // passed through, the answer recorded
    const response = await route.fetch();
    real = { status: response.status(), body: await response.text() };
    await route.fulfill({ response });
  });
  allowErrorsFrom = /feedback/;
  await page.click('#acknowledge');
  await page.waitForSelector('#feedback-result.ok, #feedback-result.failed');
  await page.unroute('**/api/alerts/*/feedback');
  allowErrorsFrom = null;
  const json = real.body ? JSON.parse(real.body) : null;
  if (real.status === 404 && json && json.resourceType === 'OperationOutcome' && !/feedback/.test(real.body)) {
    skips.push(`real alert feedback API: POST /api/alerts/${flagId}/feedback answered 404 from the FHIR fallback (no route yet)`);
    return;
  }
  if (real.status === 200) {
    assert.equal(await page.textContent('#feedback-result.ok'), `Acknowledged: the alert is now ${json.status}`);
  } else {
    assert.match(await page.textContent('#feedback-result.failed'), new RegExp(`HTTP ${real.status}`));
  }
  await shot('patient-feedback');
});

await check('data page counts equal the FHIR API totals; writes and dead letters shown', async () => {
  await page.goto(`${origin}/#/data`);
  await page.waitForSelector('#counts');
  const shown = await page.$$eval('#counts td[data-type]', (tds) => tds.map((td) => [td.dataset.type, Number(td.textContent.replace(/,/g, ''))]));
  assert.ok(shown.length >= 6, `types shown: ${shown.length}`);
  for (const [type, count] of shown) {
    const total = (await call('GET', `${fhir}/${type}?_summary=count`)).json.total;
    assert.equal(count, total, type);
  }
  for (const type of ['Patient', 'Encounter', 'Observation', 'Condition', 'RiskAssessment', 'Flag']) {
    const total = (await call('GET', `${fhir}/${type}?_summary=count`)).json.total;
    assert.ok(total > 0 && shown.some(([t]) => t === type), `${type} (${total}) missing from the page`);
  }
  assert.equal(await page.textContent('#dead-letters'), '2');
  // Every resource version since the server started (the test's and the alert feedback's).
  const history = (await call('GET', `${fhir}/_history?_since=${serveStart}&_count=1`)).json;
  assert.ok(history.total >= posted, `history ${history.total} < ${posted} posted`);
  assert.equal(await page.textContent('#last-hour'), String(history.total), 'writes in the last hour = versions since start');
  await page.waitForSelector('figure[data-code="ingestion"] canvas');
  await shot('data');
});

const cohortAnswer = (count) => ({
  count, members: ['Patient/a1', 'Patient/a2'], truncated: true,
  age: [{ band: '0-17', count: 0 }, { band: '18-44', count: 5 }, { band: '45-64', count: 7 }, { band: '65+', count: count - 12 }],
  sex: { male: 8, female: count - 8, other: 0, unknown: 0 },
  topConditions: [{ system: 'http://snomed.info/sct', code: '44054006', display: 'Diabetes mellitus type 2', count }],
  measure: { code: 'http://loinc.org|2160-0', unit: 'mg/dL', n: 12, mean: 1.1, median: 1.0, ci95: [0.9, 1.3] },
});

await check('cohort page builds the Group and renders the cohort API\'s answer', async () => {
  const sent = [];
  await page.route('**/api/cohorts/*', async (route) => {
    const body = route.request().postDataJSON();
    sent.push({ path: new URL(route.request().url()).pathname, body });
    const answer = body.a ? { a: cohortAnswer(17), b: cohortAnswer(23), difference: { count: 6, meanDifference: 0.2, ci95: [-0.1, 0.5] } } : cohortAnswer(17);
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) });
  });
  await page.goto(`${origin}/#/cohorts`);
  const a = '.cohort-editor[data-cohort="A"]';
  await page.selectOption(`${a} .criterion:nth-child(1) .kind`, 'condition');
  await page.fill(`${a} .criterion:nth-child(1) .code`, '44054006');
  await page.click(`${a} .add`);
  await page.selectOption(`${a} .criterion:nth-child(2) .kind`, 'observation');
  await page.fill(`${a} .criterion:nth-child(2) .code`, '2160-0');
  await page.fill(`${a} .criterion:nth-child(2) .low`, '1.5');
  await page.fill(`${a} .criterion:nth-child(2) .unit`, 'mg/dL');
  await page.click(`${a} .add`);
  await page.selectOption(`${a} .criterion:nth-child(3) .kind`, 'gender');
  await page.selectOption(`${a} .criterion:nth-child(3) .gender`, 'female');
  await page.check(`${a} .criterion:nth-child(3) .exclude`);
  await page.click('#evaluate');
  await page.waitForSelector('.cohort-result[data-cohort="A"] .cohort-count');
  assert.equal(sent[0].path, '/api/cohorts/evaluate');
  const c = 'https://vigil.dev/fhir/CodeSystem/cohort-criterion';
  assert.deepEqual(sent[0].body, {
    group: { resourceType: 'Group', type: 'person', actual: false, characteristic: [
      { code: { coding: [{ system: c, code: 'condition' }] }, exclude: false, valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] } },
      { code: { coding: [{ system: c, code: 'observation' }] }, exclude: false, valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: '2160-0' }] },
        extension: [{ url: 'https://vigil.dev/fhir/StructureDefinition/cohort-value-range', valueRange: { low: { value: 1.5, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' } } }] },
      { code: { coding: [{ system: c, code: 'gender' }] }, exclude: true, valueCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: 'female' }] } },
    ] },
    measure: { code: 'http://loinc.org|2160-0' },
  });
  assert.equal(await page.textContent('.cohort-result[data-cohort="A"] .cohort-count'), '17');
  assert.equal(await page.$$eval('[data-testid="age"] .bar-row', (r) => r.length), 4);
  assert.match(await page.textContent('.cohort-result .measure'), /n = 12, mean 1\.1 mg\/dL \(95% CI 0\.9–1\.3\), median 1/);
  assert.match(await page.textContent('.top-conditions'), /Diabetes mellitus type 2/);
  await page.check('#compare');
  await page.click('#evaluate');
  await page.waitForSelector('.cohort-result[data-cohort="B"] .cohort-count');
  assert.equal(sent[1].path, '/api/cohorts/compare');
  assert.deepEqual(Object.keys(sent[1].body).sort(), ['a', 'b', 'measure']);
  assert.deepEqual(sent[1].body.b.group.characteristic[0].valueRange, { low: { value: 65, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' } });
  assert.equal(await page.textContent('.cohort-result[data-cohort="B"] .cohort-count'), '23');
  assert.match(await page.textContent('#difference'), /meanDifference/);
  await shot('cohorts');
  await page.unroute('**/api/cohorts/*');
});

await check('cohort page against the real cohort API', async () => {
  const body = { group: { resourceType: 'Group', type: 'person', actual: false, characteristic: [
    { code: { coding: [{ system: 'https://vigil.dev/fhir/CodeSystem/cohort-criterion', code: 'age' }] }, exclude: false,
      valueRange: { low: { value: 18, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' } } }] },
  measure: { code: 'http://loinc.org|2160-0' } };
  const real = await call('POST', `${origin}/api/cohorts/evaluate`, body);
  if (real.status === 404 && real.json && real.json.resourceType === 'OperationOutcome') {
    skips.push('real cohort API: POST /api/cohorts/evaluate answered 404 from the FHIR fallback (the cohort surface has no route yet); the page was checked against the contract answer above');
    return;
  }
  assert.equal(real.status, 200, real.text);
  await page.goto(`${origin}/#/cohorts`);
  await page.reload();  // a fresh form: the default criterion, age 18 and over
  await page.click('#evaluate');
  await page.waitForSelector('.cohort-result[data-cohort="A"] .cohort-count');
  assert.equal(await page.textContent('.cohort-result[data-cohort="A"] .cohort-count'), String(real.json.count));
});

await check('no console errors on any page', async () => {
  assert.deepEqual(consoleErrors, []);
});

await browser.close();
serve.kill('SIGTERM');
await new Promise((resolve) => serve.on('exit', resolve));
rmSync(tmp, { recursive: true, force: true });
for (const s of skips) console.log(`SKIP ${s}`);
for (const e of allowedErrors) console.log(`note: expected console error: ${e}`);
console.log(`screenshots: ${outDir}`);
console.log(`dashboard_test: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passes} passed, ${failures} failed${skips.length ? `, ${skips.length} skipped` : ''}`);
process.exit(failures ? 1 : 0);
