import { InputError } from '../input-error';
/**
 * Estimated ingest from a series count and the scrape / export interval. These are
 * estimates, labelled as such in every report: a series is assumed to get exactly one sample
 * per interval (no gaps, no staleness), and bytes use a fixed bytes-per-sample figure.
 */

/**
 * Default bytes per stored sample: 1.5, the middle of the "1–2 bytes per sample" that the
 * Prometheus storage documentation gives for its compressed TSDB
 * (https://prometheus.io/docs/prometheus/latest/storage/, "Operational aspects").
 * Remote-write payloads and vendor "GB ingested" meters can be an order of magnitude larger
 * per sample: set your vendor's figure where it bills per GB.
 */
export const DEFAULT_BYTES_PER_SAMPLE = 1.5;

/** Minutes in a billing month: 730 hours, the convention cloud price lists use. */
export const MINUTES_PER_MONTH = 730 * 60;

/** Options of {@link estimateUsage}. */
export interface UsageAssumptions {
  /** Scrape / export interval in seconds. @default 60 */
  readonly intervalSeconds?: number;
  /** Bytes per sample. @default DEFAULT_BYTES_PER_SAMPLE */
  readonly bytesPerSample?: number;
}

/** Active series and the ingest they imply (estimated). */
export interface UsageEstimate {
  readonly series: number;
  /** series × 60 / interval. */
  readonly samplesPerMinute: number;
  /** samplesPerMinute × minutes per month × bytes per sample. */
  readonly bytesPerMonth: number;
  /** Always true: derived, not measured. */
  readonly estimated: true;
  readonly intervalSeconds: number;
  readonly bytesPerSample: number;
}

/** Estimates samples per minute and bytes per month for `series` active series. */
export function estimateUsage(series: number, assumptions: UsageAssumptions = {}): UsageEstimate {
  const intervalSeconds = assumptions.intervalSeconds ?? 60;
  const bytesPerSample = assumptions.bytesPerSample ?? DEFAULT_BYTES_PER_SAMPLE;
  if (!(intervalSeconds > 0)) throw new InputError(`interval must be a positive number of seconds, got ${intervalSeconds}`);
  if (!(bytesPerSample >= 0)) throw new InputError(`bytes per sample must be zero or more, got ${bytesPerSample}`);
  const samplesPerMinute = (series * 60) / intervalSeconds;
  return { series, samplesPerMinute, bytesPerMonth: samplesPerMinute * MINUTES_PER_MONTH * bytesPerSample, estimated: true, intervalSeconds, bytesPerSample };
}
