// #/patient/{id}: demographics, active conditions and medications, encounters
// on a timeline, the risk history with the latest explanation and the active
// alert, and charts of vitals and labs (GET /api/patients/{id}/summary, /risk,
// /trends?code=...).
import { get, patientPath, trendPath } from '../api.js';
import { seriesChart } from '../charts.js';
import { errorBox, formatTime, h, section } from '../dom.js';
import { alertPanel } from './alert.js';
import { riskSection } from './risk.js';

const LAB_CHARTS = 8;  // more on request: a Synthea patient has dozens of lab codes

function demographics(p) {
  const facts = [
    p.gender, p.age != null ? `${p.age} years` : '', p.birthDate ? `born ${p.birthDate}` : '',
    p.deceased ? `deceased${typeof p.deceased === 'string' ? ` ${p.deceased.slice(0, 10)}` : ''}` : '',
  ].filter(Boolean);
  return h('div', { class: 'patient-head' },
    h('h1', { id: 'patient-name' }, p.name || `Patient ${p.id}`),
    h('p', {}, facts.join(' · ')),
    h('p', { class: 'muted' }, `Patient/${p.id}`, p.identifiers.map((i) => ` · ${i.value}`)));
}

function itemList(items, empty, describe) {
  if (!items.length) return h('p', { class: 'muted' }, empty);
  return h('ul', { class: 'items' }, items.map((i) => h('li', {}, describe(i))));
}

function codeText(c) {
  return c ? `${c.code}` : '';
}

function conditionsAndMedications(s) {
  return h('div', { class: 'columns' },
    section(`Active conditions (${s.conditions.length})`,
      itemList(s.conditions, 'None recorded.', (c) => [c.label, h('span', { class: 'muted' },
        ` ${codeText(c.code)}${c.onset ? ` · since ${c.onset.slice(0, 10)}` : ''}`)])),
    section(`Active medications (${s.medications.length})`,
      itemList(s.medications, 'None recorded.', (m) => [m.label, h('span', { class: 'muted' },
        ` ${codeText(m.code)}${m.since ? ` · since ${m.since.slice(0, 10)}` : ''}`)])));
}

function timeline(encounters) {
  if (!encounters.length) return h('p', { class: 'muted' }, 'No encounters.');
  const now = Date.now();
  const spans = encounters.map((e) => {
    const start = Date.parse(e.start);
    const end = e.end ? Date.parse(e.end) : (e.status === 'in-progress' ? now : start);
    return { e, start, end: Math.max(start, end) };
  }).filter((s) => !Number.isNaN(s.start));
  if (!spans.length) return h('p', { class: 'muted' }, 'No dated encounters.');
  const min = Math.min(...spans.map((s) => s.start));
  const max = Math.max(...spans.map((s) => s.end), min + 1);
  const pos = (t) => `${(100 * (t - min)) / (max - min)}%`;
  const track = h('div', { class: 'timeline', id: 'timeline' },
    spans.map(({ e, start, end }) => h('span', {
      class: `span ${(e.class || 'other').toLowerCase()} ${e.status}`,
      title: `${e.type || e.class} ${formatTime(e.start)}${e.end ? ` – ${formatTime(e.end)}` : ''} (${e.status})`,
      style: { left: pos(start), width: `max(3px, calc(${pos(end)} - ${pos(start)}))` },
    })));
  const axis = h('div', { class: 'timeline-axis' }, h('span', {}, formatTime(new Date(min).toISOString()).slice(0, 10)),
    h('span', {}, formatTime(new Date(max).toISOString()).slice(0, 10)));
  const recent = h('table', { class: 'grid compact' },
    h('thead', {}, h('tr', {}, ['Start', 'End', 'Class', 'Type', 'Status'].map((t) => h('th', {}, t)))),
    h('tbody', {}, encounters.slice(0, 10).map((e) => h('tr', { class: e.status === 'in-progress' ? 'current' : '' },
      h('td', {}, formatTime(e.start)), h('td', {}, formatTime(e.end)), h('td', {}, e.class),
      h('td', {}, e.type || e.reason), h('td', {}, e.status)))));
  return [track, axis, encounters.length > 10 ? h('p', { class: 'muted' }, `Latest 10 of ${encounters.length}:`) : '', recent];
}

// Fetches and draws the charts of `codes` a few at a time.
async function drawCharts(id, codes, holder, signal) {
  const queue = [...codes];
  const worker = async () => {
    while (queue.length && !signal.aborted) {
      const c = queue.shift();
      const slot = h('div', { class: 'chart-slot' });
      holder.append(slot);
      try {
        const trend = await get(trendPath(id, c.system, c.code));
        if (signal.aborted) return;
        slot.replaceWith(seriesChart({
          title: trend.code.display || c.display || c.code, unit: trend.unit, points: trend.points,
          band: trend.referenceRange, code: `${c.system}|${c.code}`,
        }));
      } catch (e) {
        slot.replaceWith(errorBox(e));
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}

function chartSection(title, id, codes, signal, limit = Infinity) {
  const holder = h('div', { class: 'charts' });
  const body = [holder];
  drawCharts(id, codes.slice(0, limit), holder, signal);
  if (codes.length > limit) {
    const more = h('button', { type: 'button', onclick: () => {
      more.remove();
      drawCharts(id, codes.slice(limit), holder, signal);
    } }, `Show ${codes.length - limit} more`);
    body.push(more);
  }
  return section(title, ...body);
}

function otherCodes(id, codes, signal) {
  const holder = h('div', { class: 'charts' });
  const list = h('table', { class: 'grid compact' },
    h('tbody', {}, codes.map((c) => h('tr', {},
      h('td', {}, h('a', { href: '#', onclick: (ev) => { ev.preventDefault(); drawCharts(id, [c], holder, signal); } }, c.display || c.code)),
      h('td', { class: 'num' }, `${c.latest.value} ${c.unit}`), h('td', {}, formatTime(c.latest.time)),
      h('td', { class: 'num muted' }, `${c.count}×`)))));
  return section(`Other measurements (${codes.length})`, list, holder);
}

export async function patientPage(main, signal, id) {
  let summary;
  try {
    summary = await get(`${patientPath(id)}/summary`);
  } catch (e) {
    main.append(section('Patient', errorBox(e)));
    return;
  }
  if (signal.aborted) return;
  const alertHolder = h('div', { id: 'alert-holder' });
  const riskHolder = h('div', { id: 'risk-holder' });
  main.append(demographics(summary.patient), alertHolder, conditionsAndMedications(summary),
    section(`Encounters (${summary.encounters.length})`, timeline(summary.encounters)), riskHolder);
  const codes = summary.observationCodes;
  const vitals = codes.filter((c) => c.kind === 'vital');
  const labs = codes.filter((c) => c.kind === 'lab');
  const others = codes.filter((c) => c.kind === 'other');
  if (vitals.length) main.append(chartSection(`Vital signs (${vitals.length})`, id, vitals, signal));
  if (labs.length) main.append(chartSection(`Laboratory (${labs.length})`, id, labs, signal, LAB_CHARTS));
  if (others.length) main.append(otherCodes(id, others, signal));
  if (!codes.length) main.append(section('Measurements', h('p', { class: 'muted' }, 'No numeric observations.')));
  try {
    const risk = await get(`${patientPath(id)}/risk`);
    if (signal.aborted) return;
    if (risk.alert) alertHolder.append(alertPanel(risk.alert));
    if (risk.news2.length || risk.model.length) riskHolder.append(riskSection(risk));
  } catch (e) {
    riskHolder.append(section('Risk', errorBox(e)));
  }
}
