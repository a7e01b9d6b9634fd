import { TypedComponent, checkName, type ComponentInit, type ComponentNameProps } from './base';
import type { ComponentEffects } from './effects';
import { checkEndpoint } from './receiver';

/** Props of `Extension.healthCheck()`. */
export interface HealthCheckProps extends ComponentNameProps {
  /** Listen address of the health endpoint (the pod's liveness/readiness probe). @default '0.0.0.0:13133' */
  readonly endpoint?: string;
  /** URL path of the health endpoint. @default '/' */
  readonly path?: string;
}

/** An extension: a collector service outside the pipelines. Added to `service.extensions`. */
export class Extension extends TypedComponent {
  /** `health_check`: an HTTP endpoint Kubernetes probes. */
  static healthCheck(props: HealthCheckProps = {}): Extension {
    const factory = 'Extension.healthCheck';
    const name = checkName(factory, props.name);
    const endpoint = props.endpoint ?? '0.0.0.0:13133';
    checkEndpoint(factory, 'endpoint', endpoint);
    const config: Record<string, unknown> = { endpoint };
    if (props.path !== undefined) config.path = props.path;
    return new Extension({ type: 'health_check', name, config });
  }

  /**
   * An extension kept exactly as written.
   * @internal used by `CollectorPipeline.fromConfig`
   */
  static verbatim(type: string, name: string | undefined, config: Record<string, unknown>, effects?: ComponentEffects): Extension {
    return new Extension({ type, name, config, effects });
  }

  readonly kind = 'extension' as const;

  private constructor(init: ComponentInit) {
    super(init);
  }
}
