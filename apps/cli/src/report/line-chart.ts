import { escapeHtml } from './escape.js';

export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  /** One value per epoch; NaN or missing values leave a gap. */
  readonly values: readonly number[];
  readonly dashed?: boolean;
}

export interface LineChartOptions {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  /** Fixed y range (e.g. [0, 1] for accuracy); else fitted to the data. */
  readonly yRange?: readonly [number, number];
}

const WIDTH = 520;
const HEIGHT = 320;
const MARGIN = { top: 32, right: 20, bottom: 66, left: 56 };

/** A per-epoch line chart as inline SVG: axes with ticks, one polyline and markers per series, a legend. */
export function lineChart({ title, series, yRange }: LineChartOptions): string {
  const epochs = Math.max(1, ...series.map((s) => s.values.length));
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  let [low, high] = yRange ?? [Math.min(...finite, Infinity), Math.max(...finite, -Infinity)];
  if (!Number.isFinite(low) || !Number.isFinite(high)) [low, high] = [0, 1];
  if (high - low < 1e-9) [low, high] = [low - 0.5, high + 0.5];
  if (!yRange) [low, high] = [low - 0.05 * (high - low), high + 0.05 * (high - low)];
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (epoch: number) => MARGIN.left + (epochs === 1 ? plotWidth / 2 : ((epoch - 1) / (epochs - 1)) * plotWidth);
  const y = (value: number) => MARGIN.top + (1 - (value - low) / (high - low)) * plotHeight;

  const parts: string[] = [];
  for (const tick of niceTicks(low, high, 5)) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${f(y(tick))}" y2="${f(y(tick))}" stroke="#e3e3e3"/>`,
      `<text x="${MARGIN.left - 6}" y="${f(y(tick) + 4)}" text-anchor="end" font-size="11" fill="#555">${formatTick(tick)}</text>`,
    );
  }
  const step = Math.ceil(epochs / 10);
  for (let epoch = 1; epoch <= epochs; epoch += step) {
    parts.push(`<text x="${f(x(epoch))}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" font-size="11" fill="#555">${epoch}</text>`);
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - MARGIN.bottom + 32}" text-anchor="middle" font-size="12" fill="#333">epoch</text>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold" fill="#222">${escapeHtml(title)}</text>`,
  );
  series.forEach((s, i) => {
    const points = s.values.map((v, e) => (Number.isFinite(v) ? `${f(x(e + 1))},${f(y(v))}` : null)).filter((p): p is string => p !== null);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<g data-series="${escapeHtml(s.name)}">`);
    if (points.length > 1) parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2.5"${dash}/>`);
    for (const p of points) {
      const [px, py] = p.split(',');
      parts.push(`<circle cx="${px}" cy="${py}" r="3.5" fill="${s.color}"/>`);
    }
    parts.push('</g>');
    // The legend sits under the axis label, where it can never hide a data point.
    const lx = MARGIN.left + i * 170;
    const ly = HEIGHT - 12;
    parts.push(
      `<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2.5"${dash}/>`,
      `<text x="${lx + 27}" y="${ly}" font-size="12" fill="#333">${escapeHtml(s.name)}</text>`,
    );
  });
  return `<svg class="chart" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(title)}">${parts.join('')}</svg>`;
}

/** About `count` round tick values covering [low, high]. */
function niceTicks(low: number, high: number, count: number): number[] {
  const raw = (high - low) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(low / step) * step; t <= high + 1e-12; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function formatTick(value: number): string {
  return Math.abs(value) >= 1000 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(1) : String(Number(value.toPrecision(4)));
}

function f(n: number): string {
  return n.toFixed(1);
}
