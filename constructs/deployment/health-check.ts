import type { CollectorConfig } from '../collector/config';

/** Where the collector's `health_check` extension listens, for the pod's probes. */
export interface HealthEndpoint {
  readonly extensionId: string;
  readonly port: number;
  readonly path: string;
}

/**
 * The `health_check` extension enabled in `service.extensions`, with its port and path.
 * @returns undefined when the config enables none
 */
export function healthEndpointOf(config: CollectorConfig): HealthEndpoint | undefined {
  const enabled = config.service.extensions ?? [];
  const extensionId = enabled.find((id) => id === 'health_check' || id.startsWith('health_check/'));
  if (!extensionId) return undefined;
  const settings = (config.extensions?.[extensionId] ?? {}) as { endpoint?: unknown; path?: unknown };
  const endpoint = typeof settings.endpoint === 'string' ? settings.endpoint : '0.0.0.0:13133';
  const port = Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
  return { extensionId, port: Number.isInteger(port) && port > 0 ? port : 13133, path: typeof settings.path === 'string' ? settings.path : '/' };
}

/** A port the collector listens on for incoming data (OTLP gRPC/HTTP), read from its receivers. */
export interface ReceiverPort {
  readonly name: string;
  readonly port: number;
}

/** The OTLP receivers' ports in the config (`otlp-grpc` 4317, `otlp-http` 4318 unless set otherwise). */
export function receiverPortsOf(config: CollectorConfig): ReceiverPort[] {
  const ports: ReceiverPort[] = [];
  for (const [id, settings] of Object.entries(config.receivers ?? {})) {
    if (id !== 'otlp' && !id.startsWith('otlp/')) continue;
    const protocols = ((settings ?? {}) as { protocols?: Record<string, { endpoint?: string } | null> }).protocols ?? {};
    for (const [protocol, defaultPort] of [
      ['grpc', 4317],
      ['http', 4318],
    ] as const) {
      if (!(protocol in protocols)) continue;
      const endpoint = protocols[protocol]?.endpoint;
      const port = endpoint ? Number(endpoint.slice(endpoint.lastIndexOf(':') + 1)) : defaultPort;
      const suffix = id === 'otlp' ? '' : `-${id.slice(5)}`;
      if (!ports.some((existing) => existing.port === port)) ports.push({ name: `otlp-${protocol}${suffix}`.slice(0, 15), port });
    }
  }
  return ports;
}
