// #/cohorts: build a cohort from criteria (a FHIR Group), evaluate it with
// POST /api/cohorts/evaluate, or compare two with POST /api/cohorts/compare,
// and show size, age and sex, top conditions and a measure (docs/dashboard.md).
import { post } from '../api.js';
import { errorBox, formatNumber, h, section } from '../dom.js';

export const CRITERION_SYSTEM = 'https://vigil.dev/fhir/CodeSystem/cohort-criterion';
export const VALUE_RANGE_URL = 'https://vigil.dev/fhir/StructureDefinition/cohort-value-range';
const KINDS = {
  condition: { system: 'http://snomed.info/sct', hint: 'SNOMED CT, e.g. 44054006' },
  observation: { system: 'http://loinc.org', hint: 'LOINC, e.g. 2160-0', range: true },
  medication: { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', hint: 'RxNorm, e.g. 860975' },
  procedure: { system: 'http://snomed.info/sct', hint: 'SNOMED CT, e.g. 73761001' },
  age: { range: true, noCode: true, hint: 'years' },
  gender: { system: 'http://hl7.org/fhir/administrative-gender', choices: ['female', 'male', 'other', 'unknown'] },
};
const DEFAULT_MEASURE = 'http://loinc.org|2160-0';

// "system|code" or a bare code (then the kind's usual system).
function coding(kind, text) {
  const t = text.trim();
  const bar = t.indexOf('|');
  return bar < 0 ? { system: KINDS[kind].system, code: t } : { system: t.slice(0, bar), code: t.slice(bar + 1) };
}

function quantity(value, unit) {
  const q = { value: Number(value) };
  if (unit) Object.assign(q, { unit, system: 'http://unitsofmeasure.org', code: unit });
  return q;
}

function range(low, high, unit) {
  const r = {};
  if (low !== '') r.low = quantity(low, unit);
  if (high !== '') r.high = quantity(high, unit);
  return r;
}

// criteria: [{kind, code, low, high, unit, exclude}] -> a FHIR Group.
export function buildGroup(criteria, name) {
  return {
    resourceType: 'Group',
    type: 'person',
    actual: false,
    name: name || undefined,
    characteristic: criteria.map((c) => {
      const ch = { code: { coding: [{ system: CRITERION_SYSTEM, code: c.kind }] }, exclude: !!c.exclude };
      if (c.kind === 'age') {
        ch.valueRange = range(c.low, c.high, 'a');
      } else {
        ch.valueCodeableConcept = { coding: [coding(c.kind, c.code)] };
        if (c.kind === 'observation' && (c.low !== '' || c.high !== '')) {
          ch.extension = [{ url: VALUE_RANGE_URL, valueRange: range(c.low, c.high, c.unit) }];
        }
      }
      return ch;
    }),
  };
}

function criterionRow(onRemove) {
  const kind = h('select', { class: 'kind', 'aria-label': 'Criterion kind' }, Object.keys(KINDS).map((k) => h('option', { value: k }, k)));
  const code = h('input', { class: 'code', 'aria-label': 'Code', size: 22 });
  const gender = h('select', { class: 'gender', 'aria-label': 'Gender' }, KINDS.gender.choices.map((g) => h('option', { value: g }, g)));
  const low = h('input', { class: 'low', type: 'number', step: 'any', placeholder: 'min', 'aria-label': 'Minimum', size: 6 });
  const high = h('input', { class: 'high', type: 'number', step: 'any', placeholder: 'max', 'aria-label': 'Maximum', size: 6 });
  const unit = h('input', { class: 'unit', placeholder: 'unit', 'aria-label': 'Unit', size: 7 });
  const exclude = h('input', { class: 'exclude', type: 'checkbox', 'aria-label': 'Exclude' });
  const row = h('div', { class: 'criterion' }, kind, code, gender, low, high, unit,
    h('label', {}, exclude, ' exclude'), h('button', { type: 'button', class: 'remove', onclick: () => onRemove(row) }, '✕'));
  const sync = () => {
    const k = KINDS[kind.value];
    code.hidden = !!k.noCode || !!k.choices;
    gender.hidden = !k.choices;
    low.hidden = high.hidden = !k.range;
    unit.hidden = kind.value !== 'observation';
    code.placeholder = k.hint || '';
  };
  kind.addEventListener('change', sync);
  sync();
  row.read = () => ({
    kind: kind.value,
    code: kind.value === 'gender' ? `${KINDS.gender.system}|${gender.value}` : code.value,
    low: low.hidden ? '' : low.value,
    high: high.hidden ? '' : high.value,
    unit: unit.hidden ? '' : unit.value.trim(),
    exclude: exclude.checked,
  });
  row.set = (c) => {
    kind.value = c.kind;
    sync();
    if (c.kind === 'gender') gender.value = c.code; else code.value = c.code || '';
    low.value = c.low ?? '';
    high.value = c.high ?? '';
    unit.value = c.unit ?? '';
    exclude.checked = !!c.exclude;
  };
  return row;
}

function cohortEditor(label, initial) {
  const rows = h('div', { class: 'criteria' });
  const remove = (row) => row.remove();
  const add = (c) => {
    const row = criterionRow(remove);
    if (c) row.set(c);
    rows.append(row);
  };
  (initial || [{ kind: 'age', low: '18', high: '' }]).forEach(add);
  const el = h('div', { class: 'cohort-editor', dataset: { cohort: label } },
    h('h3', {}, `Cohort ${label}`), rows,
    h('button', { type: 'button', class: 'add', onclick: () => add() }, '+ criterion'));
  el.criteria = () => [...rows.children].map((r) => r.read());
  return el;
}

function bars(items, testid) {
  const max = Math.max(1, ...items.map((i) => i.count));
  return h('div', { class: 'bars', dataset: { testid } }, items.map((i) => h('div', { class: 'bar-row' },
    h('span', { class: 'bar-label' }, i.label),
    h('span', { class: 'bar-track' }, h('span', { class: 'bar plain', style: { width: `${(100 * i.count) / max}%` } })),
    h('span', { class: 'bar-value num' }, String(i.count)))));
}

function measureText(m) {
  if (!m) return 'no measure';
  if (!m.n) return `${m.code}: no values`;
  const ci = m.ci95 ? ` (95% CI ${formatNumber(m.ci95[0], 2)}–${formatNumber(m.ci95[1], 2)})` : '';
  return `${m.code}: n = ${m.n}, mean ${formatNumber(m.mean, 2)} ${m.unit || ''}${ci}, median ${formatNumber(m.median, 2)}`;
}

// One evaluate answer.
export function cohortResult(answer, label) {
  const sex = answer.sex || {};
  return h('div', { class: 'cohort-result', dataset: { cohort: label } },
    h('p', { class: 'big' }, h('strong', { class: 'cohort-count' }, String(answer.count)),
      ` patient${answer.count === 1 ? '' : 's'}${answer.truncated ? ' (member list truncated)' : ''}`),
    h('h4', {}, 'Age'), bars((answer.age || []).map((a) => ({ label: a.band, count: a.count })), 'age'),
    h('h4', {}, 'Sex'), bars(['female', 'male', 'other', 'unknown'].map((k) => ({ label: k, count: sex[k] || 0 })), 'sex'),
    h('h4', {}, 'Top conditions'),
    h('table', { class: 'grid compact top-conditions' }, h('tbody', {}, (answer.topConditions || []).map((c) =>
      h('tr', {}, h('td', {}, c.display || c.code), h('td', { class: 'muted' }, c.code), h('td', { class: 'num' }, String(c.count)))))),
    h('h4', {}, 'Measure'), h('p', { class: 'measure' }, measureText(answer.measure)),
    h('h4', {}, 'Members'),
    h('p', { class: 'members' }, (answer.members || []).slice(0, 30).map((m) => {
      const id = m.replace(/^Patient\//, '');
      return [h('a', { href: `#/patient/${encodeURIComponent(id)}` }, id), ' '];
    }), (answer.members || []).length > 30 ? `… ${answer.members.length - 30} more` : ''));
}

function differenceTable(difference) {
  const rows = Object.entries(difference || {}).map(([k, v]) => h('tr', {}, h('td', {}, k),
    h('td', { class: 'num' }, typeof v === 'number' ? formatNumber(v, 3) : Array.isArray(v) ? v.map((x) => formatNumber(x, 3)).join(' – ') : JSON.stringify(v))));
  return h('table', { class: 'grid compact', id: 'difference' }, h('tbody', {}, rows));
}

export function cohortsPage(main) {
  const a = cohortEditor('A');
  const b = cohortEditor('B', [{ kind: 'age', low: '65', high: '' }]);
  b.hidden = true;
  const compare = h('input', { type: 'checkbox', id: 'compare' });
  compare.addEventListener('change', () => { b.hidden = !compare.checked; });
  const measure = h('input', { id: 'measure', value: DEFAULT_MEASURE, size: 28, 'aria-label': 'Measure code' });
  const results = h('div', { id: 'cohort-results', class: 'columns' });
  const run = h('button', { type: 'button', id: 'evaluate', class: 'primary' }, 'Evaluate');
  const body = (editor) => ({ group: buildGroup(editor.criteria()), measure: { code: measure.value.trim() } });
  run.addEventListener('click', async () => {
    run.disabled = true;
    results.replaceChildren(h('p', { class: 'muted' }, 'Evaluating…'));
    try {
      if (compare.checked) {
        const answer = await post('/api/cohorts/compare', { a: body(a), b: body(b), measure: { code: measure.value.trim() } });
        results.replaceChildren(
          section('Cohort A', cohortResult(answer.a, 'A')), section('Cohort B', cohortResult(answer.b, 'B')),
          section('Difference (B − A)', differenceTable(answer.difference)));
      } else {
        const answer = await post('/api/cohorts/evaluate', body(a));
        results.replaceChildren(section('Cohort A', cohortResult(answer, 'A')));
      }
    } catch (e) {
      results.replaceChildren(errorBox(e.status === 404 ? `${e.message}: this server has no cohort API yet` : e));
    } finally {
      run.disabled = false;
    }
  });
  main.append(section('Cohort explorer',
    h('div', { class: 'columns' }, a, b),
    h('p', { class: 'controls' }, h('label', {}, compare, ' compare with a second cohort'), ' · measure ', measure, ' ', run),
    results));
}
