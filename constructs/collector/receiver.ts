import { TypedComponent, checkName, checkNumber, checkStringList, goDuration, type ComponentInit, type ComponentNameProps } from './base';
import type { ComponentEffects } from './effects';
import { CollectorConfigError } from './errors';

/** Props of `Receiver.otlp()`. */
export interface OtlpReceiverProps extends ComponentNameProps {
  /** gRPC listen address. @default '0.0.0.0:4317' */
  readonly grpcEndpoint?: string;
  /** HTTP listen address; `false` turns the HTTP protocol off. @default '0.0.0.0:4318' */
  readonly httpEndpoint?: string | false;
}

/** Props of `Receiver.prometheus()`: either `scrapeConfigs`, or `jobName` + `targets`. */
export interface PrometheusReceiverProps extends ComponentNameProps {
  /**
   * Prometheus `scrape_configs` entries, rendered verbatim (as in a Prometheus config file).
   * @default - one static job built from `jobName` and `targets`
   */
  readonly scrapeConfigs?: readonly Record<string, unknown>[];
  /** Job name of the static job. @default - required when `scrapeConfigs` is not given */
  readonly jobName?: string;
  /** `host:port` targets of the static job. @default - required when `scrapeConfigs` is not given */
  readonly targets?: readonly string[];
  /** Scrape interval in seconds, applied to every job that does not set its own. */
  readonly scrapeIntervalSeconds: number;
}

/** A receiver: where metrics enter the collector. Build with `Receiver.otlp()` / `Receiver.prometheus()`. */
export class Receiver extends TypedComponent {
  /** OTLP over gRPC and HTTP. */
  static otlp(props: OtlpReceiverProps = {}): Receiver {
    const name = checkName('Receiver.otlp', props.name);
    const grpc = props.grpcEndpoint ?? '0.0.0.0:4317';
    checkEndpoint('Receiver.otlp', 'grpcEndpoint', grpc);
    const protocols: Record<string, unknown> = { grpc: { endpoint: grpc } };
    if (props.httpEndpoint !== false) {
      const http = props.httpEndpoint ?? '0.0.0.0:4318';
      checkEndpoint('Receiver.otlp', 'httpEndpoint', http);
      protocols.http = { endpoint: http };
    }
    return new Receiver({ type: 'otlp', name, config: { protocols } });
  }

  /** The Prometheus receiver: scrapes targets like Prometheus does (one resource per target). */
  static prometheus(props: PrometheusReceiverProps): Receiver {
    const factory = 'Receiver.prometheus';
    const name = checkName(factory, props.name);
    checkNumber(factory, 'scrapeIntervalSeconds', props.scrapeIntervalSeconds, { min: 1, max: 86_400, integer: true });
    if (props.scrapeIntervalSeconds === undefined) {
      throw new CollectorConfigError(`${factory}: 'scrapeIntervalSeconds' is required`);
    }
    const interval = goDuration(props.scrapeIntervalSeconds);
    let scrapeConfigs: Record<string, unknown>[];
    if (props.scrapeConfigs !== undefined) {
      if (props.jobName !== undefined || props.targets !== undefined) {
        throw new CollectorConfigError(`${factory}: give either 'scrapeConfigs' or 'jobName' + 'targets', not both`);
      }
      if (props.scrapeConfigs.length === 0) throw new CollectorConfigError(`${factory}: 'scrapeConfigs' must not be empty`);
      const jobs = new Set<string>();
      scrapeConfigs = props.scrapeConfigs.map((job, i) => {
        const jobName = job.job_name;
        if (typeof jobName !== 'string' || jobName === '') {
          throw new CollectorConfigError(`${factory}: scrapeConfigs[${i}].job_name must be a non-empty string`);
        }
        if (jobs.has(jobName)) throw new CollectorConfigError(`${factory}: scrapeConfigs[${i}].job_name '${jobName}' is used twice`);
        jobs.add(jobName);
        checkNoExpansion(factory, `scrapeConfigs[${i}]`, job);
        return { scrape_interval: interval, ...structuredClone(job) };
      });
    } else {
      if (!props.jobName) throw new CollectorConfigError(`${factory}: give 'scrapeConfigs', or 'jobName' and 'targets'`);
      checkStringList(factory, 'targets', props.targets);
      if (props.targets === undefined) throw new CollectorConfigError(`${factory}: 'targets' is required with 'jobName'`);
      for (const target of props.targets) checkEndpoint(factory, 'targets', target);
      scrapeConfigs = [{ job_name: props.jobName, scrape_interval: interval, static_configs: [{ targets: [...props.targets] }] }];
    }
    return new Receiver({ type: 'prometheus', name, config: { config: { scrape_configs: scrapeConfigs } } });
  }

  /**
   * A receiver kept exactly as written (imported configs, types Phoenix does not model).
   * @internal used by `CollectorPipeline.fromConfig`
   */
  static verbatim(type: string, name: string | undefined, config: Record<string, unknown>, effects?: ComponentEffects): Receiver {
    return new Receiver({ type, name, config, effects });
  }

  readonly kind = 'receiver' as const;

  private constructor(init: ComponentInit) {
    super(init);
  }
}

/**
 * The collector expands `${...}` in every config string (environment variables) before the
 * Prometheus receiver sees it, so Prometheus's own `${1}` must be written `$${1}`.
 */
function checkNoExpansion(factory: string, where: string, value: unknown): void {
  if (typeof value === 'string') {
    const match = /(^|[^$])\$\{[^}]*\}/.exec(value);
    if (match) {
      const found = match[0].slice(match[1].length);
      throw new CollectorConfigError(
        `${factory}: ${where} (${JSON.stringify(value)}): the collector would expand '${found}' as an environment variable; write '$${found}' to pass it to Prometheus`,
      );
    }
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkNoExpansion(factory, `${where}[${i}]`, item));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) checkNoExpansion(factory, `${where}.${key}`, item);
  }
}

/** Throws unless `endpoint` looks like `host:port`. */
export function checkEndpoint(factory: string, field: string, endpoint: string): void {
  if (!/^[^\s:/]*:\d{1,5}$/.test(endpoint) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(endpoint)) {
    throw new CollectorConfigError(`${factory}: '${field}' (${JSON.stringify(endpoint)}) must be host:port, e.g. 0.0.0.0:4317`);
  }
}
