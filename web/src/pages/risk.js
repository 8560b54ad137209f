// The risk history (model probability and NEWS2 over time) and the latest
// explanation: TreeSHAP contributions in log-odds as bars (red raises the
// risk, blue lowers it), and the NEWS2 chart's points per parameter.
import { multiChart } from '../charts.js';
import { formatNumber, formatTime, h, percent, section } from '../dom.js';

function contributionBars(model) {
  const items = model.contributions || [];
  const max = Math.max(...items.map((c) => Math.abs(c.contribution || 0)), 1e-9);
  return h('div', { class: 'bars', id: 'contributions' }, items.map((c) => {
    const v = Number(c.contribution || 0);
    return h('div', { class: 'bar-row' },
      h('span', { class: 'bar-label' }, c.feature, c.value !== undefined ? h('span', { class: 'muted' }, ` = ${formatNumber(c.value, 2)}`) : ''),
      h('span', { class: 'bar-track' }, h('span', { class: `bar ${v >= 0 ? 'up' : 'down'}`, style: { width: `${(100 * Math.abs(v)) / max}%` } })),
      h('span', { class: 'bar-value num' }, `${v >= 0 ? '+' : ''}${formatNumber(v, 3)}`));
  }));
}

function explanation(model) {
  return h('div', { class: 'explanation' },
    h('h3', {}, `Model ${model.model}: ${percent(model.probability)} at ${formatTime(model.time)}`),
    h('p', { class: 'muted' }, `threshold ${percent(model.threshold)} · base ${formatNumber(model.baseValue, 3)} + contributions = log-odds ${formatNumber(model.logOdds, 3)}`),
    contributionBars(model));
}

function news2Components(n) {
  return h('div', { class: 'explanation' },
    h('h3', {}, `NEWS2 ${n.score} (${n.band}) at ${formatTime(n.time)}`),
    h('table', { class: 'grid compact' }, h('tbody', {}, (n.components || []).map((c) => h('tr', {},
      h('td', {}, c.name.replace(/_/g, ' ')), h('td', { class: 'num' }, c.value !== undefined ? formatNumber(c.value, 1) : '–'),
      h('td', { class: 'num' }, `${c.points} pt`))))));
}

export function riskSection(risk) {
  const series = [];
  if (risk.model.length) {
    series.push({ label: 'model probability', scale: 'p', range: [0, 1], points: risk.model.map((m) => ({ time: m.time, value: m.probability })) });
  }
  if (risk.news2.length) {
    series.push({ label: 'NEWS2', scale: 'news2', range: [0, 20], points: risk.news2.map((n) => ({ time: n.time, value: n.score })) });
  }
  return section('Risk',
    multiChart({ title: 'Risk over time', series, code: 'risk' }),
    h('div', { class: 'columns' },
      risk.latestModel ? explanation(risk.latestModel) : '',
      risk.latestNews2 ? news2Components(risk.latestNews2) : ''));
}
