import { LineCounter, parseAllDocuments } from 'yaml';
import { InputError } from '../../analysis/input-error';
import { MANIFEST_LABEL } from '../../analysis/labels';
import { EXPERIMENT_MANIFEST_VERSION, MANIFEST_DATA_KEY, type ExperimentManifest } from './manifest';

/**
 * The one reader of experiment manifests (the ConfigMap the generator writes beside each
 * experiment's collector objects): the watcher, the policies and the review bot read them only
 * through here. A manifest of another `manifestVersion`, one that is not JSON, or one without
 * the fields every reader needs is an {@link InputError} naming the file (and line).
 */

/** Where a manifest was read from, for error messages. */
export interface ManifestSource {
  readonly file: string;
  /** 1-based line of the ConfigMap in its file. @default - unknown */
  readonly line?: number;
}

/** Whether a Kubernetes object is an experiment-manifest ConfigMap (kind ConfigMap, label `"true"`). */
export function isManifestConfigMap(object: unknown): boolean {
  if (!isRecord(object) || object.kind !== 'ConfigMap' || !isRecord(object.metadata)) return false;
  const labels = object.metadata.labels;
  return isRecord(labels) && labels[MANIFEST_LABEL] === 'true';
}

/**
 * The manifest a ConfigMap carries, or `undefined` when the object is not a manifest
 * ConfigMap. Throws {@link InputError} when it is one but cannot be read.
 */
export function readExperimentManifest(object: unknown, source: ManifestSource): ExperimentManifest | undefined {
  if (!isManifestConfigMap(object)) return undefined;
  const where = source.line === undefined ? source.file : `${source.file}:${source.line}`;
  const fail = (detail: string): never => {
    throw new InputError(`${where}: experiment manifest (data.${MANIFEST_DATA_KEY}) ${detail}`, source);
  };
  const data = (object as { data?: unknown }).data;
  const text = isRecord(data) ? data[MANIFEST_DATA_KEY] : undefined;
  if (typeof text !== 'string') return fail('is missing: re-run phoenix synth');
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    return fail(`is not JSON (${(error as Error).message}): re-run phoenix synth`);
  }
  if (!isRecord(manifest)) return fail('is not a JSON object: re-run phoenix synth');
  if (manifest.manifestVersion !== EXPERIMENT_MANIFEST_VERSION) {
    fail(
      `has manifestVersion ${JSON.stringify(manifest.manifestVersion)}, and this Phoenix reads version ${EXPERIMENT_MANIFEST_VERSION}: ` +
        'synthesize the tree and run the watcher, the bot and phoenix check from the same Phoenix version',
    );
  }
  for (const [field, ok] of SHAPE) {
    if (!ok(manifest[field])) fail(`has no valid '${field}': re-run phoenix synth`);
  }
  const guardrails = manifest.guardrails as Record<string, unknown>;
  if (!Array.isArray(guardrails.queries) || !guardrails.queries.every((q) => isRecord(q) && typeof q.expr === 'string' && typeof q.name === 'string')) {
    fail("has no valid 'guardrails.queries' (each with a name and an expr): re-run phoenix synth");
  }
  return manifest as unknown as ExperimentManifest;
}

/** Every manifest of one YAML file's text, in order; throws {@link InputError} for one it cannot read. */
export function readManifestsInYaml(text: string, file: string): ExperimentManifest[] {
  if (!text.includes(MANIFEST_LABEL)) return [];
  const lineCounter = new LineCounter();
  const out: ExperimentManifest[] = [];
  for (const document of parseAllDocuments(text, { lineCounter })) {
    const line = lineCounter.linePos(document.contents?.range[0] ?? document.range[0]).line;
    if (document.errors.length > 0) {
      if (text.slice(document.range[0], document.range[2]).includes(MANIFEST_LABEL)) {
        throw new InputError(`${file}:${line}: ${document.errors[0]!.message}`, { file, line });
      }
      continue;
    }
    const manifest = readExperimentManifest(document.toJS(), { file, line });
    if (manifest) out.push(manifest);
  }
  return out;
}

const isString = (v: unknown): boolean => typeof v === 'string' && v !== '';

/** The fields every reader relies on. */
const SHAPE: ReadonlyArray<readonly [string, (value: unknown) => boolean]> = [
  ['name', isString],
  ['environment', isString],
  ['phase', isString],
  ['collector', (v) => isRecord(v) && typeof v.productionPipeline === 'string'],
  [
    'variants',
    (v) => Array.isArray(v) && v.every((x) => isRecord(x) && isString(x.name) && typeof x.shadowPipeline === 'string' && Array.isArray(x.processors)),
  ],
  ['guardrails', isRecord],
  ['promotion', isRecord],
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
