import { html, type SafeHtml } from './escape';

/** One line of a chart: a variant's values over time. */
export interface ChartSeries {
  readonly name: string;
  /** Points as [epoch milliseconds, value]; NaN or missing values break the line. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** What to draw. */
export interface LineChartProps {
  /** Accessible title, also shown above the chart. */
  readonly title: string;
  /** Unit of the y axis, e.g. "series" or "USD / month". */
  readonly yUnit: string;
  readonly series: readonly ChartSeries[];
  /** Width of the drawing in SVG units; the SVG scales to its container. @default 640 */
  readonly width?: number;
  /** @default 260 */
  readonly height?: number;
}

/** Line colours; the legend's swatches use the matching `swatch-N` classes of the page's stylesheet. */
export const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

/**
 * Renders a server-side SVG line chart (no JavaScript, no CDN): one polyline per series, labelled
 * axes, a legend, and a `<title>`/`<desc>` so screen readers announce what it shows.
 */
export function renderLineChart(props: LineChartProps): SafeHtml {
  const width = props.width ?? 640;
  const height = props.height ?? 260;
  const margin = { left: 64, right: 16, top: 16, bottom: 40 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const all = props.series.flatMap((s) => s.points).filter(([, v]) => Number.isFinite(v));
  const id = `chart-${slug(props.title)}`;
  if (all.length === 0) {
    return html`<figure class="chart">
      <figcaption>${props.title}</figcaption>
      <p class="empty">No measurements yet.</p>
    </figure>`;
  }
  const xs = all.map(([t]) => t);
  const ys = all.map(([, v]) => v);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const yMax = niceCeiling(Math.max(...ys, 0));
  const yMin = Math.min(0, ...ys);
  const sx = (t: number) => margin.left + (x1 === x0 ? plotW / 2 : ((t - x0) / (x1 - x0)) * plotW);
  const sy = (v: number) => margin.top + plotH - ((v - yMin) / (yMax - yMin || 1)) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => yMin + f * (yMax - yMin));
  const lines = props.series.map((s, i) => {
    const segments = splitOnGaps(s.points).map((seg) => seg.map(([t, v]) => `${sx(t).toFixed(1)},${sy(v).toFixed(1)}`).join(' '));
    const color = palette[i % palette.length];
    return html`<g class="series" data-series="${s.name}"
      ><title>${s.name}</title>${segments.map((points) => html`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}" />`)}</g
    >`;
  });
  const legend = props.series.map((s, i) => html`<li><span class="swatch swatch-${i % palette.length}" aria-hidden="true"></span>${s.name}</li>`);
  const desc = `${props.series.length} series: ${props.series.map((s) => s.name).join(', ')}; y axis in ${props.yUnit}`;
  return html`<figure class="chart">
    <figcaption id="${id}-title">${props.title}</figcaption>
    <svg viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc" preserveAspectRatio="xMidYMid meet">
      <desc id="${id}-desc">${desc}</desc>
      <g class="axes" stroke="#888" stroke-width="1">
        <line x1="${margin.left}" y1="${margin.top + plotH}" x2="${margin.left + plotW}" y2="${margin.top + plotH}" />
        <line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${margin.top + plotH}" />
      </g>
      <g class="ticks" font-size="11" fill="#444">
        ${ticks.map((v) => html`<text x="${margin.left - 6}" y="${sy(v) + 4}" text-anchor="end">${formatNumber(v)}</text>`)}
        <text x="${margin.left}" y="${height - 8}">${formatTime(x0)}</text>
        <text x="${margin.left + plotW}" y="${height - 8}" text-anchor="end">${formatTime(x1)}</text>
      </g>
      ${lines}
    </svg>
    <ul class="legend">
      ${legend}
    </ul>
  </figure>`;
}

function splitOnGaps(points: ChartSeries['points']): Array<Array<readonly [number, number]>> {
  const out: Array<Array<readonly [number, number]>> = [[]];
  for (const point of points) {
    if (Number.isFinite(point[1])) out[out.length - 1].push(point);
    else if (out[out.length - 1].length) out.push([]);
  }
  return out.filter((seg) => seg.length > 0);
}

function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const steps = [1, 2, 2.5, 5, 10];
  return steps.map((s) => s * magnitude).find((s) => s >= value) ?? 10 * magnitude;
}

/** Formats a number compactly for axis labels (12.5k, 3.2M). */
export function formatNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(abs >= 1e4 ? 0 : 1)}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'chart'
  );
}
