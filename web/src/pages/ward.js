// #/ward: the admitted patients (in-progress Encounters), highest risk first,
// from GET /api/ward. Refreshes every 30 s while shown.
import { get } from '../api.js';
import { errorBox, formatNumber, formatTime, h, percent, section } from '../dom.js';

const SHORT = {
  heart_rate: 'HR', respiratory_rate: 'RR', spo2: 'SpO₂', temperature: 'Temp',
  systolic_bp: 'SBP', gcs: 'GCS', o2_flow: 'O₂ L/min',
};
const REFRESH_MS = 30000;

function riskClass(row) {
  if (row.alert) return 'alert';
  if (row.risk && row.risk.risk === 'high') return 'high';
  if (row.news2 && row.news2.score >= 5) return 'high';
  return '';
}

function vitalCell(column, vital) {
  if (!vital) return h('td', { class: 'num empty', dataset: { vital: column.name } }, '–');
  return h('td', { class: 'num', dataset: { vital: column.name }, title: `${column.display} at ${formatTime(vital.time)}` },
    formatNumber(vital.value, column.name === 'temperature' ? 1 : 0));
}

const SVG = 'http://www.w3.org/2000/svg';

// The risk's recent readings as a sparkline (0..100% high), with an arrow for
// the change since the previous reading (more than one percentage point).
function trendCell(risk) {
  const points = (risk && risk.trend) || [];
  const cell = h('td', { class: 'trend', dataset: { col: 'trend', points: String(points.length) } });
  if (points.length === 0) return cell;
  const [w, ht] = [64, 18];
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', w);
  svg.setAttribute('height', ht);
  svg.setAttribute('viewBox', `0 0 ${w} ${ht}`);
  const step = points.length > 1 ? w / (points.length - 1) : 0;
  const line = document.createElementNS(SVG, points.length > 1 ? 'polyline' : 'circle');
  if (points.length > 1) {
    line.setAttribute('points', points.map((p, i) => `${(i * step).toFixed(1)},${(ht - 1 - p.probability * (ht - 2)).toFixed(1)}`).join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', 'currentColor');
  } else {
    Object.entries({ cx: w / 2, cy: ht - 1 - points[0].probability * (ht - 2), r: 2, fill: 'currentColor' })
      .forEach(([k, v]) => line.setAttribute(k, v));
  }
  svg.append(line);
  let direction = 'flat';
  if (points.length > 1) {
    const change = points[points.length - 1].probability - points[points.length - 2].probability;
    if (change > 0.01) direction = 'up';
    else if (change < -0.01) direction = 'down';
  }
  cell.dataset.direction = direction;
  cell.title = points.map((p) => `${formatTime(p.time)}  ${percent(p.probability)}`).join('\n');
  cell.append(svg, h('span', { class: `arrow ${direction}` }, { up: ' ↑', down: ' ↓', flat: '' }[direction]));
  return cell;
}

function row(board, r) {
  const link = `#/patient/${encodeURIComponent(r.patient)}`;
  return h('tr', { class: riskClass(r), dataset: { patient: r.patient, encounter: r.encounter } },
    h('td', {}, h('a', { href: link }, r.name || r.patient)),
    h('td', {}, [r.age ?? '', r.gender ? ` ${r.gender[0].toUpperCase()}` : '']),
    h('td', {}, r.location || ''),
    h('td', {}, formatTime(r.admitted)),
    board.vitals.map((c) => vitalCell(c, r.vitals[c.name])),
    h('td', {}, formatTime(r.lastMeasured)),
    h('td', { class: 'num', dataset: { col: 'news2' } }, r.news2 ? `${r.news2.score ?? ''}` : ''),
    h('td', { class: 'num', dataset: { col: 'risk' } }, r.risk ? percent(r.risk.probability) : ''),
    trendCell(r.risk),
    h('td', { dataset: { col: 'alert' } }, r.alert ? h('span', { class: 'badge alert' }, 'ALERT') : ''));
}

function table(board) {
  const head = h('tr', {},
    ['Patient', 'Age', 'Location', 'Admitted'].map((t) => h('th', {}, t)),
    board.vitals.map((c) => h('th', { class: 'num', title: `${c.display} (${c.unit})` }, SHORT[c.name] || c.name)),
    ['Last measured', 'NEWS2', 'Risk', 'Trend', 'Alert'].map((t) => h('th', {}, t)));
  return h('table', { class: 'grid', id: 'ward' },
    h('thead', {}, head),
    h('tbody', {}, board.rows.map((r) => row(board, r))));
}

export async function wardPage(main, signal) {
  const status = h('p', { class: 'muted', id: 'ward-status' }, 'Loading…');
  const holder = h('div');
  main.append(section('Ward board', status, holder));
  const load = async () => {
    try {
      const board = await get('/api/ward');
      if (signal.aborted) return;
      holder.replaceChildren(board.rows.length ? table(board) : h('p', { class: 'muted' }, 'No admitted patients (no Encounter is in progress).'));
      status.textContent = `${board.rows.length} admitted patient${board.rows.length === 1 ? '' : 's'}` +
        `${board.truncated ? ' (first ones only)' : ''} · updated ${formatTime(board.generatedAt)}`;
      status.dataset.count = String(board.rows.length);
    } catch (e) {
      holder.replaceChildren(errorBox(e));
      status.textContent = '';
    }
  };
  await load();
  const timer = setInterval(load, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
}
