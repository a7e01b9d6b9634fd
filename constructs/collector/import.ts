import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { assertValueBounded } from '../../analysis/value-bounds';
import { cloneData } from './clone-data';
import { parseComponentId, type TypedComponent } from './base';
import { COMPONENT_SECTIONS } from './component';
import { Connector } from './connector';
import type { ComponentEffects } from './effects';
import { CollectorConfigError } from './errors';
import { Exporter } from './exporter';
import { Extension } from './extension';
import type { PipelineSpec } from './pipeline-rules';
import { Processor } from './processor';
import { componentEntry } from './registry';
import { Receiver } from './receiver';
import { canonicalComponentType } from '../../analysis/naming';

/** Maps a config path (`['processors', 'batch', 'timeout']`) to `file:line`, when known. */
export type Locator = (path: readonly string[]) => string | undefined;

/** What `importConfig` read from a collector config. */
export interface ImportedConfig {
  readonly components: TypedComponent[];
  readonly pipelines: Map<string, PipelineSpec>;
  readonly serviceExtensions: string[];
  readonly telemetry?: Record<string, unknown>;
  readonly warnings: string[];
}

/**
 * Component types Phoenix models, per section, by the name the pinned collector prefers (a
 * deprecated spelling is read as its canonical name); anything else is kept verbatim and flagged.
 * `routing` is modelled but not part of the pinned distribution (docs/adr/0010).
 */
const FACTORY = { receiver: Receiver, processor: Processor, exporter: Exporter, connector: Connector, extension: Extension };

/**
 * Reads a parsed collector config into components and pipelines. Structural mistakes
 * (a section that is not a map, a pipeline list that is not a list of ids) throw one
 * message each, with file:line when a locator is given.
 */
export function importConfig(config: unknown, source?: string, locate?: Locator): ImportedConfig {
  const problems: string[] = [];
  const at = (path: string[], message: string) => {
    const where = locate?.(path) ?? (source ? `${source}: ${path.join('.')}` : path.join('.'));
    problems.push(`${where}: ${message}`);
  };
  if (!isRecord(config)) {
    throw new CollectorConfigError(`${source ?? 'collector config'}: the config must be a map with receivers, processors, exporters and service`);
  }
  const known = new Set([...COMPONENT_SECTIONS.map(([s]) => s), 'service']);
  for (const key of Object.keys(config)) if (!known.has(key)) at([key], `unknown top-level section '${key}'`);
  const components: TypedComponent[] = [];
  const warnings: string[] = [];
  for (const [section, kind] of COMPONENT_SECTIONS) {
    const entries = config[section];
    if (entries === undefined || entries === null) continue;
    if (!isRecord(entries)) {
      at([section], `'${section}' must be a map of component id to config`);
      continue;
    }
    for (const [id, body] of Object.entries(entries)) {
      let parsed: { type: string; name?: string };
      try {
        parsed = parseComponentId(id, `${section}.${id}`);
      } catch (error) {
        at([section, id], (error as Error).message);
        continue;
      }
      if (body !== null && body !== undefined && !isRecord(body)) {
        at([section, id], `the config of '${id}' must be a map (or empty)`);
        continue;
      }
      const raw = (body ?? {}) as Record<string, unknown>;
      const where = locate?.([section, id]) ?? `${section}.${id}`;
      let effects: ComponentEffects;
      const entry = componentEntry(kind, canonicalComponentType(kind, parsed.type));
      if (!entry) {
        warnings.push(`${where}: ${kind} type '${parsed.type}' is not modelled by Phoenix; kept verbatim, its effect on series is unknown`);
        effects = { aggregates: false, stateful: false, opaque: true };
      } else {
        effects = entry.effects(raw, where, warnings);
      }
      components.push(FACTORY[kind].verbatim(parsed.type, parsed.name, raw, effects));
    }
  }
  const pipelines = new Map<string, PipelineSpec>();
  const service = config.service;
  let serviceExtensions: string[] = [];
  let telemetry: Record<string, unknown> | undefined;
  if (!isRecord(service)) {
    at(['service'], "'service' must be a map holding 'pipelines'");
  } else {
    if (service.extensions !== undefined) serviceExtensions = idList(service.extensions, ['service', 'extensions'], at);
    if (service.telemetry !== undefined) {
      if (isRecord(service.telemetry)) telemetry = structuredClone(service.telemetry);
      else at(['service', 'telemetry'], "'telemetry' must be a map");
    }
    if (!isRecord(service.pipelines)) {
      at(['service', 'pipelines'], "'service.pipelines' must be a map of pipeline id to { receivers, processors, exporters }");
    } else {
      for (const [id, body] of Object.entries(service.pipelines)) {
        const path = ['service', 'pipelines', id];
        if (!isRecord(body)) {
          at(path, `pipeline '${id}' must be a map with receivers, processors and exporters`);
          continue;
        }
        for (const key of Object.keys(body)) {
          if (!['receivers', 'processors', 'exporters'].includes(key)) at([...path, key], `pipeline '${id}': unknown field '${key}'`);
        }
        pipelines.set(id, {
          receivers: idList(body.receivers ?? [], [...path, 'receivers'], at),
          processors: idList(body.processors ?? [], [...path, 'processors'], at),
          exporters: idList(body.exporters ?? [], [...path, 'exporters'], at),
        });
      }
    }
  }
  if (problems.length > 0) throw new CollectorConfigError(problems, `${source ?? 'collector config'} cannot be imported`);
  return { components, pipelines, serviceExtensions, telemetry, warnings };
}

/**
 * {@link parseYamlConfig}, remembered per file while its text stays the same: an experiment is
 * built once per environment and many experiments share a baseline file, so the same text would
 * otherwise be parsed (with positions) again and again. Each call gets its own copy of the config.
 */
export function parseYamlConfigOnce(text: string, file: string): { config: unknown; locate: Locator } {
  let parsed = parsedFiles.get(file);
  if (!parsed || parsed.text !== text) {
    if (parsedFiles.size >= 256) parsedFiles.clear();
    parsedFiles.set(file, (parsed = { text, ...parseYamlConfig(text, file) }));
  }
  return { config: cloneData(parsed.config), locate: parsed.locate };
}

const parsedFiles = new Map<string, { text: string; config: unknown; locate: Locator }>();

/**
 * Parses collector YAML, keeping positions: syntax errors throw `file:line:column: message`,
 * and the returned locator maps config paths to `file:line`.
 */
export function parseYamlConfig(text: string, file: string): { config: unknown; locate: Locator } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new CollectorConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return `${file}:${pos.line}:${pos.col}: ${e.message.split('\n')[0]}`;
      }),
      `${file} is not valid YAML`,
    );
  }
  const lineOf = (offset: number) => `${file}:${lineCounter.linePos(offset).line}`;
  const locate: Locator = (path) => {
    // Walk down the document; answer with the line of the deepest key (or item) found.
    let node: unknown = doc.contents;
    let at: string | undefined = isMap(node) || isSeq(node) ? lineOf((node as Node).range![0]) : undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
        if (!pair) break;
        if (isScalar(pair.key) && pair.key.range) at = lineOf(pair.key.range[0]);
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)] as Node | undefined;
        if (!item?.range) break;
        at = lineOf(item.range[0]);
        node = item;
      } else {
        break;
      }
    }
    return at;
  };
  let config: unknown;
  try {
    config = doc.toJS({ maxAliasCount: 1000 });
    assertValueBounded(config, file);
  } catch (error) {
    // yaml's alias guard throws a ReferenceError; either way the file is refused, by name.
    throw new CollectorConfigError(
      `${file}: ${String((error as Error).message)
        .split('\n')[0]!
        .replace(/^\S+: /, '')
        .slice(0, 300)}`,
    );
  }
  return { config, locate };
}

function idList(value: unknown, path: string[], at: (path: string[], message: string) => void): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    at(path, `'${path[path.length - 1]}' must be a list of component ids`);
    return [];
  }
  return [...value];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
