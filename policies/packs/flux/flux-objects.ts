import { isRecord } from '../../collector-configs';
import type { SourceDocument } from '../../types';

/** Flux objects that carry a reconcile `interval`. */
export const FLUX_RECONCILED_KINDS = ['Kustomization', 'GitRepository', 'OCIRepository', 'Bucket', 'HelmRepository', 'HelmChart', 'HelmRelease'];

/** True for a Flux kustomize-controller Kustomization (not a kustomize `kustomization.yaml`). */
export function isFluxKustomization(doc: SourceDocument): boolean {
  return doc.object.kind === 'Kustomization' && (doc.object.apiVersion ?? '').startsWith('kustomize.toolkit.fluxcd.io/');
}

/** True when the object belongs to one of the Flux toolkit API groups. */
export function isFluxObject(doc: SourceDocument): boolean {
  return /\.toolkit\.fluxcd\.io\//.test(doc.object.apiVersion ?? '');
}

/** The object's `spec` (empty when absent or not a mapping). */
export function specOf(doc: SourceDocument): Record<string, unknown> {
  return isRecord(doc.value.spec) ? doc.value.spec : {};
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Parses a Go duration (`1m30s`, `10m`, `24h`) into seconds; undefined when malformed. */
export function parseGoDuration(text: string): number | undefined {
  if (durations.has(text)) return durations.get(text);
  const seconds = parseDurationText(text);
  if (durations.size < 1000) durations.set(text, seconds);
  return seconds;
}

const durations = new Map<string, number | undefined>();

function parseDurationText(text: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) seconds += Number(amount) * UNIT_SECONDS[unit];
  return seconds;
}

/** Formats seconds the way Flux users write intervals (`30s`, `10m`, `24h`). */
export function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
