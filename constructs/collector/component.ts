/** The five sections of a collector configuration a component can live in. */
export type ComponentKind = 'receiver' | 'processor' | 'exporter' | 'connector' | 'extension';

/** The component sections of a collector config, each with the kind of component it holds. */
export const COMPONENT_SECTIONS: readonly (readonly [string, ComponentKind])[] = [
  ['receivers', 'receiver'],
  ['processors', 'processor'],
  ['exporters', 'exporter'],
  ['connectors', 'connector'],
  ['extensions', 'extension'],
];

/**
 * A typed collector component (receiver, processor, exporter, connector or extension).
 * Built by union-like factories (`Processor.filterMetrics(...)`, `Exporter.prometheusRemoteWrite(url)`),
 * which validate their input; `render()` returns the component's config as the collector reads it.
 */
export interface CollectorComponent {
  /** Which section of the config the component belongs to. */
  readonly kind: ComponentKind;
  /** The component type, e.g. `filter`, `transform`, `prometheusremotewrite`. */
  readonly type: string;
  /** The component id used in `service.pipelines`: `type` or `type/name`. */
  readonly id: string;
  /** The component's configuration, as it appears under its id in the collector config. */
  render(): Record<string, unknown>;
}
