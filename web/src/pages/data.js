// #/data: what the store holds (GET /api/stats): resource counts by type, the
// write rate per minute over the last hour, the HL7 v2 dead letters.
import { get } from '../api.js';
import { barChart } from '../charts.js';
import { errorBox, formatTime, h, section } from '../dom.js';

function counts(stats) {
  return h('table', { class: 'grid narrow', id: 'counts' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Resource type'), h('th', { class: 'num' }, 'Count'))),
    h('tbody', {}, stats.resources.map((r) =>
      h('tr', {}, h('td', {}, r.type), h('td', { class: 'num', dataset: { type: r.type } }, r.count.toLocaleString('en'))))),
    h('tfoot', {}, h('tr', {}, h('th', {}, 'Total'), h('th', { class: 'num', id: 'total' }, stats.total.toLocaleString('en')))));
}

function ingestion(ing) {
  const bars = ing.perMinute.map((m) => ({ label: formatTime(m.minute).slice(11), value: m.writes }));
  return [
    h('p', {}, h('strong', { id: 'last-hour' }, String(ing.lastHour)), ' writes in the last hour, ',
      h('strong', {}, String(ing.sinceStart)), ` since the server started (${formatTime(ing.since)}); counted from the change events.`),
    barChart({ title: 'Writes per minute', bars, code: 'ingestion' }),
  ];
}

function deadLetters(d) {
  if (d.count === null) return errorBox(`Dead letters in ${d.folder}: ${d.error}`);
  return h('p', {}, h('strong', { id: 'dead-letters' }, String(d.count)),
    ` HL7 v2 message${d.count === 1 ? '' : 's'} not accepted, kept in `, h('code', {}, d.folder),
    d.count ? ' (vigil ingest dead-letter list / replay)' : '');
}

export async function dataPage(main) {
  try {
    const stats = await get('/api/stats');
    main.append(
      section(`Resources (${stats.total.toLocaleString('en')})`, counts(stats)),
      section('Ingestion', ingestion(stats.ingestion)),
      section('Dead letters', deadLetters(stats.deadLetters)));
  } catch (e) {
    main.append(section('Data', errorBox(e)));
  }
}
