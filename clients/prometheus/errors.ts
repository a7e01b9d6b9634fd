import { InputError } from '../../analysis/input-error';
/**
 * Errors of the Prometheus HTTP API client. Each is an InputError, so the CLI prints the
 * message (which names the URL and what to check) without a stack trace.
 */

/** Base class: anything that went wrong talking to a Prometheus-compatible API. */
export class PrometheusError extends InputError {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

/** Why Prometheus could not be reached. */
export type UnavailableReason = 'connection' | 'timeout' | 'http';

/**
 * Prometheus did not answer: connection refused or reset, DNS failure, a timeout, or a
 * 502/503/504 from it or a proxy in front of it. The watcher treats this as "no data"
 * (inconclusive), never as a verdict.
 */
export class PrometheusUnavailableError extends PrometheusError {
  constructor(
    message: string,
    url: string,
    readonly reason: UnavailableReason,
    readonly status?: number,
  ) {
    super(message, url);
    this.name = 'PrometheusUnavailableError';
  }
}

/**
 * Prometheus answered with an error: an HTTP status other than 2xx and the API's own
 * `errorType` / `error` (e.g. `bad_data` for a query that does not parse), or a body that is
 * not the API's JSON envelope.
 */
export class PrometheusApiError extends PrometheusError {
  constructor(
    message: string,
    url: string,
    readonly status: number,
    readonly errorType?: string,
    readonly apiError?: string,
  ) {
    super(message, url);
    this.name = 'PrometheusApiError';
  }
}
