import { PrometheusApiError, PrometheusError, PrometheusUnavailableError } from './errors';
import type { InstantSample, Labels, MetricMetadata, QueryResult, RangeQueryResult, RangeSeries, SamplePair, TimeInput, TsdbStatus } from './types';

/** Options of {@link PrometheusClient}. */
export interface PrometheusClientOptions {
  /** Base URL of a Prometheus-compatible HTTP API (Prometheus, Thanos, Mimir, VictoriaMetrics), without `/api/v1`. */
  readonly baseUrl: string;
  /** The transport; tests inject their own. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Per-request timeout in milliseconds. @default 30000 */
  readonly timeoutMs?: number;
  /** Extra headers on every request (e.g. `Authorization`, `X-Scope-OrgID` for a Mimir tenant). @default - none */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One metric name's series, as yielded by {@link PrometheusClient.seriesByName}. */
export interface SeriesPage {
  readonly name: string;
  readonly series: readonly Labels[];
}

/**
 * A thin, typed client for the Prometheus HTTP API. Every method returns parsed values
 * (numbers, not strings) and fails with a {@link PrometheusUnavailableError} when the server
 * cannot be reached and a {@link PrometheusApiError} when it answers with an error.
 */
export class PrometheusClient {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly headers: Readonly<Record<string, string>>;

  constructor(options: PrometheusClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.baseUrl);
    } catch {
      throw new PrometheusError(`Prometheus URL ${JSON.stringify(options.baseUrl)} is not a URL: give one like http://127.0.0.1:9090`, options.baseUrl);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new PrometheusError(`Prometheus URL ${options.baseUrl} must use http or https`, options.baseUrl);
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.headers = options.headers ?? {};
  }

  /** Instant query (`/api/v1/query`) at `time`. */
  async query(expr: string, time: TimeInput): Promise<QueryResult> {
    const data = await this.call<{ resultType: string; result: unknown }>('POST', '/api/v1/query', { query: expr, time: formatTime(time) });
    return parseQueryData(data.body, data.warnings);
  }

  /** Range query (`/api/v1/query_range`) from `start` to `end` every `stepSeconds`. */
  async queryRange(expr: string, start: TimeInput, end: TimeInput, stepSeconds: number): Promise<RangeQueryResult> {
    if (!(stepSeconds > 0)) throw new PrometheusError(`range query step must be positive, got ${stepSeconds}`, this.baseUrl);
    const data = await this.call<{ resultType: string; result: unknown }>('POST', '/api/v1/query_range', {
      query: expr,
      start: formatTime(start),
      end: formatTime(end),
      step: String(stepSeconds),
    });
    if (data.body.resultType !== 'matrix') {
      throw new PrometheusApiError(`range query returned ${data.body.resultType}, expected matrix`, this.baseUrl, 200);
    }
    return { result: (data.body.result as RawRangeSeries[]).map(parseRangeSeries), warnings: data.warnings };
  }

  /** Series matching any of `matchers` (`/api/v1/series`) between `start` and `end`. */
  async series(matchers: readonly string[], start: TimeInput, end: TimeInput): Promise<Labels[]> {
    if (matchers.length === 0) throw new PrometheusError('series lookup needs at least one matcher, e.g. {__name__=~".+"}', this.baseUrl);
    const data = await this.call<Labels[]>('POST', '/api/v1/series', { 'match[]': [...matchers], start: formatTime(start), end: formatTime(end) });
    return data.body;
  }

  /**
   * All series between `start` and `end`, one metric name at a time (names from
   * `/api/v1/label/__name__/values`, then `/api/v1/series` per name), so memory is bounded by
   * the largest metric rather than the whole store. `names` narrows the walk.
   */
  async *seriesByName(start: TimeInput, end: TimeInput, names?: readonly string[]): AsyncGenerator<SeriesPage> {
    const list = names ?? (await this.labelValues('__name__', { start, end }));
    for (const name of list) {
      const series = await this.series([`{__name__="${escapeMatcherValue(name)}"}`], start, end);
      yield { name, series };
    }
  }

  /** Values of one label (`/api/v1/label/<name>/values`), optionally narrowed by matchers and time. */
  async labelValues(label: string, options: { match?: readonly string[]; start?: TimeInput; end?: TimeInput } = {}): Promise<string[]> {
    const params: Record<string, string | string[]> = {};
    if (options.match) params['match[]'] = [...options.match];
    if (options.start !== undefined) params.start = formatTime(options.start);
    if (options.end !== undefined) params.end = formatTime(options.end);
    const data = await this.call<string[]>('GET', `/api/v1/label/${encodeURIComponent(label)}/values`, params);
    return data.body;
  }

  /** Metric metadata (`/api/v1/metadata`): type, help and unit per metric name. */
  async metadata(options: { metric?: string; limit?: number } = {}): Promise<Record<string, MetricMetadata[]>> {
    const params: Record<string, string> = {};
    if (options.metric) params.metric = options.metric;
    if (options.limit !== undefined) params.limit = String(options.limit);
    const data = await this.call<Record<string, MetricMetadata[]>>('GET', '/api/v1/metadata', params);
    return data.body;
  }

  /** Head block statistics and cardinality top lists (`/api/v1/status/tsdb`). */
  async tsdbStatus(): Promise<TsdbStatus> {
    const data = await this.call<TsdbStatus>('GET', '/api/v1/status/tsdb', {});
    return data.body;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, params: Record<string, string | string[]>): Promise<{ body: T; warnings: string[] }> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
    }
    let url = `${this.baseUrl}${path}`;
    const init: RequestInit = { method, headers: { Accept: 'application/json', ...this.headers }, signal: AbortSignal.timeout(this.timeoutMs) };
    if (method === 'GET') {
      const query = search.toString();
      if (query) url += `?${query}`;
    } else {
      init.body = search.toString();
      init.headers = { ...(init.headers as Record<string, string>), 'Content-Type': 'application/x-www-form-urlencoded' };
    }

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, init);
      text = await response.text();
    } catch (error) {
      throw this.unavailable(error, path);
    }
    if (response.status === 502 || response.status === 503 || response.status === 504) {
      throw new PrometheusUnavailableError(
        `Prometheus at ${this.baseUrl} answered ${path} with HTTP ${response.status}: it is starting, overloaded or behind a failing proxy; retry later`,
        this.baseUrl,
        'http',
        response.status,
      );
    }
    let envelope: ApiEnvelope<T> | undefined;
    try {
      envelope = JSON.parse(text) as ApiEnvelope<T>;
    } catch {
      envelope = undefined;
    }
    if (!envelope || typeof envelope !== 'object' || (envelope.status !== 'success' && envelope.status !== 'error')) {
      throw new PrometheusApiError(
        `${this.baseUrl}${path} answered HTTP ${response.status} with a body that is not the Prometheus API's JSON: check the URL points at a Prometheus-compatible API (${snippet(text)})`,
        this.baseUrl,
        response.status,
      );
    }
    if (envelope.status === 'error' || !response.ok) {
      const errorType = envelope.errorType ?? 'unknown';
      const message = envelope.error ?? `HTTP ${response.status}`;
      throw new PrometheusApiError(
        `Prometheus at ${this.baseUrl} rejected ${path} (HTTP ${response.status}, ${errorType}): ${message}`,
        this.baseUrl,
        response.status,
        errorType,
        message,
      );
    }
    return { body: envelope.data as T, warnings: envelope.warnings ?? [] };
  }

  private unavailable(error: unknown, path: string): PrometheusUnavailableError {
    const name = (error as { name?: string })?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new PrometheusUnavailableError(
        `Prometheus at ${this.baseUrl} did not answer ${path} within ${this.timeoutMs} ms: check it is up, or raise the timeout`,
        this.baseUrl,
        'timeout',
      );
    }
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return new PrometheusUnavailableError(
      `cannot reach Prometheus at ${this.baseUrl} (${detail}): check the URL and that it is running`,
      this.baseUrl,
      'connection',
    );
  }
}

interface ApiEnvelope<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

type RawPair = [number, string];
interface RawRangeSeries {
  metric: Labels;
  values: RawPair[];
}

/** Parses a Prometheus sample value string (`"1.5"`, `"NaN"`, `"+Inf"`, `"-Inf"`). */
export function parseSampleValue(value: string): number {
  if (value === '+Inf' || value === 'Inf') return Infinity;
  if (value === '-Inf') return -Infinity;
  if (value === 'NaN') return NaN;
  return Number(value);
}

function parsePair(pair: RawPair): SamplePair {
  return [pair[0], parseSampleValue(pair[1])];
}

function parseRangeSeries(raw: RawRangeSeries): RangeSeries {
  return { metric: raw.metric, values: (raw.values ?? []).map(parsePair) };
}

function parseQueryData(data: { resultType: string; result: unknown }, warnings: string[]): QueryResult {
  switch (data.resultType) {
    case 'vector':
      return {
        resultType: 'vector',
        result: (data.result as Array<{ metric: Labels; value: RawPair }>).map((s): InstantSample => ({ metric: s.metric, value: parsePair(s.value) })),
        warnings,
      };
    case 'matrix':
      return { resultType: 'matrix', result: (data.result as RawRangeSeries[]).map(parseRangeSeries), warnings };
    case 'scalar':
      return { resultType: 'scalar', result: parsePair(data.result as RawPair), warnings };
    case 'string': {
      const raw = data.result as [number, string];
      return { resultType: 'string', result: [raw[0], raw[1]], warnings };
    }
    default:
      throw new PrometheusApiError(`query returned an unknown resultType ${JSON.stringify(data.resultType)}`, '', 200);
  }
}

function formatTime(time: TimeInput): string {
  if (time instanceof Date) return (time.getTime() / 1000).toFixed(3);
  if (!Number.isFinite(time)) throw new PrometheusError(`time must be a finite number of unix seconds, got ${time}`, '');
  return String(time);
}

/** Escapes a value for a double-quoted PromQL label matcher. */
export function escapeMatcherValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat || 'empty body';
}
