import * as path from 'node:path';
import { PolicyInputError } from '../errors';
import type { ObjectRef, SourceDocument } from '../types';
import { FileLocator, type Position } from './locate';
import { parseJsonStream, parseYamlStream, type ParsedChunk } from './parse-documents';

/** An input file's name and text (read from disk, or from git by the review bot). */
export interface SourceText {
  readonly file: string;
  readonly text: string;
  /** Named by the user (not found in a folder): a file without documents is then an input error. */
  readonly named?: boolean;
}

/** A document together with what the engine needs to locate its findings later. */
export interface LoadedDocument extends SourceDocument {
  readonly chunk: ParsedChunk;
  readonly locator: FileLocator;
}

/**
 * Parses every source into documents; throws PolicyInputError (exit 2) on malformed or wrongly
 * shaped input. A file found in a folder that holds no document (empty, or comments only: Flux's
 * `flux-system/gotk-components.yaml` placeholder before bootstrap) holds nothing to check, as
 * kustomize reads it; a file the user named that holds none is an input error.
 */
export function loadDocuments(sources: readonly SourceText[]): LoadedDocument[] {
  const documents: LoadedDocument[] = [];
  for (const source of sources) {
    const chunks = /\.json$/i.test(source.file) ? parseJsonStream(source.file, source.text) : parseYamlStream(source.file, source.text);
    if (chunks.length === 0 && !source.named) continue;
    if (chunks.length === 0) throw new PolicyInputError(`${source.file}: holds no documents (empty or comments only); remove it or pass the manifests`);
    const locator = new FileLocator(source.text);
    const environmentFromPath = environmentOfPath(source.file);
    chunks.forEach((chunk, index) => {
      const value = chunk.value;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw wrongType(
          source.file,
          locator.locate(chunk, chunk.pointerPrefix),
          `document ${index + 1} is ${describe(value)}; expected a mapping (a Kubernetes object or a collector config)`,
        );
      }
      const record = value as Record<string, unknown>;
      const object = objectRefOf(record, () => locator.locate(chunk, chunk.pointerPrefix), source.file);
      documents.push({
        file: source.file,
        index,
        value: record,
        object,
        environment: environmentOfLabels(record) ?? environmentFromPath,
        chunk,
        locator,
      });
    });
  }
  return documents;
}

function objectRefOf(record: Record<string, unknown>, where: () => Position, file: string): ObjectRef {
  const { apiVersion, kind, metadata } = record;
  if (apiVersion !== undefined && typeof apiVersion !== 'string') throw wrongType(file, where(), `'apiVersion' is ${describe(apiVersion)}; expected a string`);
  if (kind !== undefined && typeof kind !== 'string') throw wrongType(file, where(), `'kind' is ${describe(kind)}; expected a string`);
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
    throw wrongType(file, where(), `'metadata' is ${describe(metadata)}; expected a mapping`);
  }
  const meta = (metadata ?? {}) as Record<string, unknown>;
  return {
    apiVersion: apiVersion as string | undefined,
    kind: kind as string | undefined,
    namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
    name: typeof meta.name === 'string' ? meta.name : undefined,
  };
}

function wrongType(file: string, at: Position, message: string): PolicyInputError {
  return new PolicyInputError(`${file}:${at.line}:${at.column}: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value} (${JSON.stringify(value)?.slice(0, 40)})`;
}

/** `gitops/<section>/<env>/…` → `<env>` (the folder must not be the file itself). */
export function environmentOfPath(file: string): string | undefined {
  const segments = file.split(/[\\/]/);
  const at = segments.lastIndexOf('gitops');
  if (at < 0 || at + 3 >= segments.length) return undefined;
  return segments[at + 2];
}

function environmentOfLabels(record: Record<string, unknown>): string | undefined {
  const labels = (record.metadata as { labels?: unknown } | undefined)?.labels;
  if (!labels || typeof labels !== 'object') return undefined;
  for (const key in labels) {
    const value = (labels as Record<string, unknown>)[key];
    if (typeof value === 'string' && (key === 'environment' || key.endsWith('/environment'))) return value;
  }
  return undefined;
}

/** Shows a file path relative to `base` with forward slashes (for reports and SARIF). */
export function displayPath(file: string, base: string): string {
  const relative = path.relative(base, path.resolve(file));
  return (relative.startsWith('..') ? path.resolve(file) : relative).split(path.sep).join('/');
}
