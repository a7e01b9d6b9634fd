import * as jsYaml from 'js-yaml';
import { assertValueBounded, mayHoldAliases } from '../analysis/value-bounds';
import { pointerOf } from './rule-table';
import type { CollectorConfigSource, SourceDocument } from './types';

/** A string that should hold a collector configuration but does not parse as one. */
export interface BrokenCollectorConfig {
  readonly pointer: string;
  readonly message: string;
}

interface Found {
  readonly configs: CollectorConfigSource[];
  readonly broken: BrokenCollectorConfig[];
}

const cache = new WeakMap<object, Found>();

/** True for a mapping shaped like a collector configuration (a `service` section, or receivers and exporters). */
export function looksLikeCollectorConfig(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  return isRecord(value.service) || (isRecord(value.receivers) && isRecord(value.exporters));
}

/**
 * Collector configurations held by a document: a bare config file, each ConfigMap `data` entry holding
 * one, or an OpenTelemetryCollector's `spec.config` (an object in v1beta1, a YAML string in v1alpha1).
 */
export function collectorConfigsOf(doc: SourceDocument): readonly CollectorConfigSource[] {
  return find(doc).configs;
}

/** Embedded configurations that do not parse (reported by the schema pack). */
export function brokenCollectorConfigsOf(doc: SourceDocument): readonly BrokenCollectorConfig[] {
  return find(doc).broken;
}

function find(doc: SourceDocument): Found {
  let found = cache.get(doc.value);
  if (!found) {
    found = { configs: [], broken: [] };
    collect(doc, found);
    cache.set(doc.value, found);
  }
  return found;
}

function collect(doc: SourceDocument, into: Found): void {
  const { kind } = doc.object;
  if (kind === undefined) {
    if (looksLikeCollectorConfig(doc.value)) into.configs.push({ config: doc.value, pointer: '' });
    return;
  }
  if (kind === 'ConfigMap' && isRecord(doc.value.data)) {
    for (const [key, text] of Object.entries(doc.value.data)) {
      if (typeof text === 'string' && mayHoldCollectorConfig(text)) addEmbedded(text, pointerOf('data', key), into, false);
    }
  } else if (kind === 'OpenTelemetryCollector' && isRecord(doc.value.spec)) {
    const config = doc.value.spec.config;
    if (typeof config === 'string') addEmbedded(config, '/spec/config', into, true);
    else if (looksLikeCollectorConfig(config)) into.configs.push({ config, pointer: '/spec/config' });
  }
}

/** Cheap pre-check so ordinary ConfigMap entries are never parsed. */
function mayHoldCollectorConfig(text: string): boolean {
  return text.includes('service:') && (text.includes('receivers:') || text.includes('exporters:'));
}

function addEmbedded(text: string, pointer: string, into: Found, mustBeConfig: boolean): void {
  let value: unknown;
  try {
    value = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  } catch (error) {
    const reason = error instanceof jsYaml.YAMLException ? `${error.reason} (line ${(error.mark?.line ?? 0) + 1} of the embedded config)` : String(error);
    into.broken.push({ pointer, message: `collector config does not parse: ${reason}` });
    return;
  }
  if (mayHoldAliases(text)) {
    try {
      assertValueBounded(value, 'the embedded config');
    } catch (error) {
      into.broken.push({ pointer, message: (error as Error).message });
      return;
    }
  }
  if (looksLikeCollectorConfig(value)) into.configs.push({ config: value, pointer });
  else if (mustBeConfig) into.broken.push({ pointer, message: 'spec.config is not a collector configuration (no service, receivers or exporters section)' });
}

/** Narrows unknown values to plain mappings. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
