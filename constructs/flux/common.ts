import { Duration } from 'cdk8s';
import { InputError } from '../../analysis/input-error';
import { EXPERIMENT_OBJECT_LABEL } from '../../analysis/labels';

/** Label on every Flux object Phoenix writes; the commit-status Alert selects by it. */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
/** Value of `PART_OF_LABEL` on Phoenix's objects. */
export const PART_OF_VALUE = 'phoenix';
/** Namespace of Flux's controllers and of the Flux objects Phoenix writes. */
export const FLUX_NAMESPACE = 'flux-system';

/** A Flux object that cannot be rendered; the CLI prints the message and exits 2. */
export class FluxObjectError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'FluxObjectError';
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Throws unless `value` is a Kubernetes object name (DNS subdomain, at most 253 characters). */
export function assertObjectName(value: string, field: string, path: string): void {
  if (!DNS_SUBDOMAIN.test(value) || value.length > 253) {
    throw new FluxObjectError(`${path}: '${field}' (${JSON.stringify(value)}) must be a Kubernetes object name: lowercase letters, digits, '-' and '.'`);
  }
}

/** Throws unless `value` is a namespace name (DNS label). */
export function assertNamespace(value: string, field: string, path: string): void {
  if (!DNS_LABEL.test(value)) {
    throw new FluxObjectError(`${path}: '${field}' (${JSON.stringify(value)}) must be a namespace name (a DNS label)`);
  }
}

/**
 * Renders a duration as Flux reads it (a Go duration: `1h30m`, `5m`, `30s`), after checking
 * that it is a positive whole number of seconds.
 */
export function fluxDuration(duration: Duration, field: string, path: string): string {
  const millis = duration.toMilliseconds();
  if (!(millis > 0) || millis % 1000 !== 0) {
    throw new FluxObjectError(`${path}: '${field}' (${millis} ms) must be a positive whole number of seconds`);
  }
  let seconds = millis / 1000;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  return `${hours ? `${hours}h` : ''}${minutes ? `${minutes}m` : ''}${seconds ? `${seconds}s` : ''}`;
}

/** Labels every Phoenix Flux object carries, plus the experiment label when there is one. */
export function phoenixLabels(experiment: string | undefined, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { [PART_OF_LABEL]: PART_OF_VALUE, ...(experiment ? { [EXPERIMENT_OBJECT_LABEL]: experiment } : {}), ...extra };
}
