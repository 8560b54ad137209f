// Time-series charts with uPlot. Each chart element carries data-points (the
// number of points drawn) so that tests and scripts can check what is shown.
import uPlot from 'uplot';
import { h } from './dom.js';

const WIDTH = 520;
const HEIGHT = 170;
const COLORS = ['#1f6feb', '#d1242f', '#8250df', '#1a7f37', '#bf8700'];

// Fills the reference range (or any [low, high] band) behind the series.
function bandPlugin(band, color) {
  return {
    hooks: {
      drawAxes: [
        (u) => {
          if (!band || (band.low == null && band.high == null)) return;
          const top = band.high == null ? u.bbox.top : u.valToPos(band.high, 'y', true);
          const bottom = band.low == null ? u.bbox.top + u.bbox.height : u.valToPos(band.low, 'y', true);
          const y0 = Math.max(u.bbox.top, Math.min(top, bottom));
          const y1 = Math.min(u.bbox.top + u.bbox.height, Math.max(top, bottom));
          if (y1 <= y0) return;
          u.ctx.save();
          u.ctx.fillStyle = color;
          u.ctx.fillRect(u.bbox.left, y0, u.bbox.width, y1 - y0);
          u.ctx.restore();
        },
      ],
    },
  };
}

// The y range: the data and the band, padded.
function yRange(values, band) {
  const all = values.filter((v) => v != null);
  if (band) {
    if (band.low != null) all.push(band.low);
    if (band.high != null) all.push(band.high);
  }
  if (!all.length) return [0, 1];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 1;
  return [lo - pad, hi + pad];
}

function width(container) {
  return Math.max(280, Math.min(WIDTH, (container.clientWidth || WIDTH) - 16));
}

// One series over time. points: [{time, value}]; band: {low, high} or null.
export function seriesChart({ title, unit, points, band, code }) {
  const el = h('figure', { class: 'chart', dataset: { code: code || '', points: String(points.length) } });
  el.append(h('figcaption', {}, title, unit ? h('span', { class: 'unit' }, ` ${unit}`) : ''));
  if (band) {
    el.append(h('div', { class: 'range' },
      `reference ${band.low ?? '…'}–${band.high ?? '…'}${band.text ? ` (${band.text})` : ''}`));
  }
  const xs = points.map((p) => Date.parse(p.time) / 1000);
  const ys = points.map((p) => p.value);
  const plot = h('div', { class: 'plot' });
  el.append(plot);
  requestAnimationFrame(() => {
    if (!plot.isConnected) return;
    const chart = new uPlot({
      width: width(el),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true, range: (u, lo, hi) => (lo === hi ? [lo - 3600, hi + 3600] : [lo, hi]) }, y: { range: () => yRange(ys, band) } },
      series: [{}, { label: title, stroke: COLORS[0], width: 1.5, points: { show: true, size: 5 } }],
      plugins: [bandPlugin(band, 'rgba(26, 127, 55, 0.12)')],
    }, [xs, ys], plot);
    el.dataset.drawn = String(chart.data[1].filter((v) => v != null).length);
  });
  return el;
}

// Several series on one time axis, each on its own scale: [{label, scale,
// points, range}] (uPlot needs one x array: the union of the times).
export function multiChart({ title, series, code }) {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => Date.parse(p.time) / 1000)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col = new Array(times.length).fill(null);
    for (const p of s.points) col[index.get(Date.parse(p.time) / 1000)] = p.value;
    return col;
  });
  const total = series.reduce((n, s) => n + s.points.length, 0);
  const el = h('figure', { class: 'chart wide', dataset: { code: code || '', points: String(total) } });
  el.append(h('figcaption', {}, title, ' ',
    series.map((s, i) => h('span', { class: 'key', style: { color: COLORS[i] } }, `● ${s.label} `))));
  const plot = h('div', { class: 'plot' });
  el.append(plot);
  requestAnimationFrame(() => {
    if (!plot.isConnected) return;
    const scales = { x: { time: true } };
    const axes = [{}];
    series.forEach((s, i) => {
      scales[s.scale] = { range: s.range ? () => s.range : undefined };
      axes.push({ scale: s.scale, side: i === 0 ? 3 : 1, stroke: COLORS[i], grid: { show: i === 0 } });
    });
    new uPlot({
      width: Math.max(280, Math.min(900, (el.clientWidth || 900) - 16)),
      height: HEIGHT + 20,
      legend: { show: false },
      scales,
      axes,
      series: [{}, ...series.map((s, i) => ({
        label: s.label, scale: s.scale, stroke: COLORS[i], width: 1.5, spanGaps: true, points: { show: true, size: 5 },
      }))],
    }, [times, ...columns], plot);
  });
  return el;
}

// Bars of values (the write rate per minute): [{label, value}].
export function barChart({ title, bars, code }) {
  const xs = bars.map((_, i) => i);
  const ys = bars.map((b) => b.value);
  const el = h('figure', { class: 'chart wide', dataset: { code: code || '', points: String(bars.length) } });
  el.append(h('figcaption', {}, title));
  const plot = h('div', { class: 'plot' });
  el.append(plot);
  requestAnimationFrame(() => {
    if (!plot.isConnected) return;
    new uPlot({
      width: Math.max(280, Math.min(900, (el.clientWidth || 900) - 16)),
      height: HEIGHT,
      legend: { show: false },
      scales: { x: { time: false }, y: { range: (u, lo, hi) => [0, Math.max(1, hi) * 1.1] } },
      axes: [{ values: (u, ticks) => ticks.map((t) => (bars[t] ? bars[t].label : '')) }, {}],
      series: [{}, { label: title, stroke: COLORS[0], fill: 'rgba(31, 111, 235, 0.3)', points: { show: false }, paths: uPlot.paths.bars({ size: [0.8, 12] }) }],
    }, [xs, ys], plot);
  });
  return el;
}
