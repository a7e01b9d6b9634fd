import { ApiObject, Chart, Duration, Lazy, Names, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { CollectorConfig } from '../collector/config';
import { COLLECTOR_CONTRIB_IMAGE } from '../collector/release';
import { healthEndpointOf, receiverPortsOf } from './health-check';
import { InputError } from '../../analysis/input-error';

/** The collector image Phoenix deploys by default: the contrib distribution of the pinned release, by tag. */
export const DEFAULT_COLLECTOR_IMAGE = COLLECTOR_CONTRIB_IMAGE;
/** Annotation that stops Flux from substituting `${...}` inside collector configs (OTTL and env references use that syntax). */
export const FLUX_SUBSTITUTE_ANNOTATION = 'kustomize.toolkit.fluxcd.io/substitute';
/** The workload kind the operator creates for the collector. */
export type CollectorMode = 'deployment' | 'statefulset' | 'daemonset';

/** Props of `CollectorDeployment`. */
export interface CollectorDeploymentProps {
  /**
   * The collector config, produced at synthesis time so that changes made after construction
   * (e.g. `addProcessor()` on a pipeline) still reach the output.
   */
  readonly config: () => CollectorConfig;
  /** Name of the collector object (and prefix of the objects the operator creates). @default - a DNS label derived from the construct path */
  readonly name?: string;
  /** Namespace of every object. @default - the chart's namespace */
  readonly namespace?: string;
  /** Render an `OpenTelemetryCollector` for the OpenTelemetry operator; false renders Deployment + ConfigMap + Service. @default true */
  readonly useOperator?: boolean;
  /** Workload kind (operator only; without the operator it is always a Deployment). @default 'deployment' */
  readonly mode?: CollectorMode;
  /** Replica count; must be 1 when the pipeline aggregates. @default 1 */
  readonly replicas?: number;
  /**
   * True when the pipeline merges series (aggregation or delta conversion): that is only lossless
   * when one replica sees every series, so `replicas` must be 1 and mode must not be daemonset.
   * @default false
   */
  readonly aggregates?: boolean;
  /** Container image, pinned by tag or digest (never `latest`). @default DEFAULT_COLLECTOR_IMAGE */
  readonly image?: string;
  /** CPU request, millicores. @default 200 */
  readonly cpuRequestMillis?: number;
  /** CPU limit, millicores. @default 1000 */
  readonly cpuLimitMillis?: number;
  /** Memory request, MiB. @default 256 */
  readonly memoryRequestMiB?: number;
  /** Memory limit, MiB; keep `memory_limiter` below it. @default 512 */
  readonly memoryLimitMiB?: number;
  /**
   * Environment variables of the collector container, read by the config as `${env:NAME}`
   * (e.g. the environment's remote-write URL, so one config serves every environment).
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
}

/** Error for bad `CollectorDeployment` props; names the construct path. Exit code 2. */
export class CollectorDeploymentError extends InputError {}

const NON_ROOT_UID = 10001;

/**
 * Runs an OpenTelemetry collector: an `OpenTelemetryCollector` (`opentelemetry.io/v1beta1`, the
 * operator's resource, config as structured YAML) by default, or a plain Deployment + ConfigMap +
 * Service. Requests and limits set, non-root, read-only root filesystem, probes on the
 * `health_check` extension, one replica when the pipeline aggregates. Every object carries
 * `kustomize.toolkit.fluxcd.io/substitute: disabled`.
 */
export class CollectorDeployment extends Construct {
  /** Name of the collector object. */
  readonly name: string;
  /** Namespace of the objects. @default - the chart's */
  readonly namespace?: string;
  /** Replica count rendered. */
  readonly replicas: number;
  /** Image rendered. */
  readonly image: string;
  private readonly produceConfig: () => CollectorConfig;
  private readonly env: Record<string, string>;

  constructor(scope: Construct, id: string, props: CollectorDeploymentProps) {
    super(scope, id);
    const where = this.node.path;
    this.name = props.name ?? Names.toDnsLabel(this);
    this.namespace = props.namespace ?? Chart.of(this).namespace;
    this.replicas = props.replicas ?? 1;
    this.image = props.image ?? DEFAULT_COLLECTOR_IMAGE;
    this.produceConfig = props.config;
    this.env = { ...(props.env ?? {}) };
    const mode = props.mode ?? 'deployment';
    checkProps(where, props, this.replicas, this.image, mode);
    const resources = {
      cpuRequestMillis: props.cpuRequestMillis ?? 200,
      cpuLimitMillis: props.cpuLimitMillis ?? 1000,
      memoryRequestMiB: props.memoryRequestMiB ?? 256,
      memoryLimitMiB: props.memoryLimitMiB ?? 512,
    };
    if (resources.cpuRequestMillis > resources.cpuLimitMillis || resources.memoryRequestMiB > resources.memoryLimitMiB) {
      throw new CollectorDeploymentError(
        `${where}: requests (${resources.cpuRequestMillis}m CPU, ${resources.memoryRequestMiB} MiB) must not exceed limits (${resources.cpuLimitMillis}m, ${resources.memoryLimitMiB} MiB)`,
      );
    }
    if (props.useOperator ?? true) this.renderOperatorResource(mode, resources);
    else this.renderPlainResources(resources);
    for (const child of this.node.findAll()) {
      if (child instanceof ApiObject) child.metadata.addAnnotation(FLUX_SUBSTITUTE_ANNOTATION, 'disabled');
    }
  }

  /** The collector config as it will be rendered now. */
  config(): CollectorConfig {
    const config = this.produceConfig();
    if (!healthEndpointOf(config)) {
      throw new CollectorDeploymentError(
        `${this.node.path}: the collector config enables no health_check extension: add Extension.healthCheck() to the pipeline (and to service.extensions) so Kubernetes can probe the collector`,
      );
    }
    return config;
  }

  private renderOperatorResource(mode: CollectorMode, resources: Resources): void {
    const probe = { initialDelaySeconds: 10, periodSeconds: 10, failureThreshold: 3 };
    new ApiObject(this, 'Resource', {
      apiVersion: 'opentelemetry.io/v1beta1',
      kind: 'OpenTelemetryCollector',
      metadata: { name: this.name, namespace: this.namespace },
      spec: {
        mode,
        replicas: mode === 'daemonset' ? undefined : this.replicas,
        image: this.image,
        env: envList(this.env),
        config: Lazy.any({ produce: () => this.config() }),
        resources: {
          requests: { cpu: `${resources.cpuRequestMillis}m`, memory: `${resources.memoryRequestMiB}Mi` },
          limits: { cpu: `${resources.cpuLimitMillis}m`, memory: `${resources.memoryLimitMiB}Mi` },
        },
        podSecurityContext: { runAsNonRoot: true, runAsUser: NON_ROOT_UID, runAsGroup: NON_ROOT_UID, seccompProfile: { type: 'RuntimeDefault' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        livenessProbe: probe,
        readinessProbe: { ...probe, initialDelaySeconds: 5 },
      },
    });
  }

  private renderPlainResources(resources: Resources): void {
    const health = healthEndpointOf(this.produceConfig()) ?? { port: 13133, path: '/' };
    const configMap = new kplus.ConfigMap(this, 'Config', { metadata: { name: `${this.name}-config`, namespace: this.namespace } });
    configMap.addData('collector.yaml', Lazy.any({ produce: () => stringify(this.config(), { lineWidth: 0 }) }) as unknown as string);
    const volume = kplus.Volume.fromConfigMap(this, 'ConfigVolume', configMap, { name: 'config' });
    const receiverPorts = receiverPortsOf(this.produceConfig());
    const deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      replicas: this.replicas,
      securityContext: { ensureNonRoot: true, user: NON_ROOT_UID, group: NON_ROOT_UID },
      containers: [
        {
          name: 'otel-collector',
          image: this.image,
          args: ['--config=/conf/collector.yaml'],
          envVariables: Object.fromEntries(Object.entries(this.env).map(([name, value]) => [name, kplus.EnvValue.fromValue(value)])),
          ports: [...receiverPorts.map((p) => ({ name: p.name, number: p.port })), { name: 'health', number: health.port }],
          resources: {
            cpu: { request: kplus.Cpu.millis(resources.cpuRequestMillis), limit: kplus.Cpu.millis(resources.cpuLimitMillis) },
            memory: { request: Size.mebibytes(resources.memoryRequestMiB), limit: Size.mebibytes(resources.memoryLimitMiB) },
          },
          liveness: kplus.Probe.fromHttpGet(health.path, { port: health.port, initialDelaySeconds: Duration.seconds(10) }),
          readiness: kplus.Probe.fromHttpGet(health.path, { port: health.port, initialDelaySeconds: Duration.seconds(5) }),
          securityContext: { ensureNonRoot: true, user: NON_ROOT_UID, group: NON_ROOT_UID, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
          volumeMounts: [{ path: '/conf', volume, readOnly: true }],
        },
      ],
    });
    if (receiverPorts.length > 0) {
      new kplus.Service(this, 'Service', {
        metadata: { name: this.name, namespace: this.namespace },
        selector: deployment,
        ports: receiverPorts.map((p) => ({ name: p.name, port: p.port, targetPort: p.port })),
      });
    }
  }
}

interface Resources {
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis: number;
  readonly memoryRequestMiB: number;
  readonly memoryLimitMiB: number;
}

function envList(env: Record<string, string>): { name: string; value: string }[] | undefined {
  const names = Object.keys(env).sort();
  return names.length === 0 ? undefined : names.map((name) => ({ name, value: env[name] }));
}

function checkProps(where: string, props: CollectorDeploymentProps, replicas: number, image: string, mode: CollectorMode): void {
  if (!Number.isInteger(replicas) || replicas < 1)
    throw new CollectorDeploymentError(`${where}: 'replicas' (${replicas}) must be a whole number of at least 1`);
  if (props.aggregates && replicas > 1) {
    throw new CollectorDeploymentError(
      `${where}: 'replicas' (${replicas}) must be 1: the pipeline aggregates series, which is only lossless when one replica sees every series`,
    );
  }
  if (props.aggregates && mode === 'daemonset') {
    throw new CollectorDeploymentError(`${where}: 'mode' daemonset splits series across nodes but the pipeline aggregates: use 'deployment' with one replica`);
  }
  if (mode !== 'deployment' && props.useOperator === false) {
    throw new CollectorDeploymentError(`${where}: 'mode' (${mode}) needs the operator; without it the collector runs as a Deployment`);
  }
  if (!/^[^\s:@]+(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/.test(image.replace(/^[^/]+:\d+\//, '')) || /:latest$/.test(image)) {
    throw new CollectorDeploymentError(`${where}: 'image' (${image}) must be pinned by tag or digest, e.g. ${DEFAULT_COLLECTOR_IMAGE}`);
  }
  for (const name of Object.keys(props.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new CollectorDeploymentError(`${where}: 'env' name '${name}' must be a valid environment variable name (letters, digits, '_')`);
  }
  for (const field of ['cpuRequestMillis', 'cpuLimitMillis', 'memoryRequestMiB', 'memoryLimitMiB'] as const) {
    const value = props[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 1))
      throw new CollectorDeploymentError(`${where}: '${field}' (${value}) must be a whole number of at least 1`);
  }
}
