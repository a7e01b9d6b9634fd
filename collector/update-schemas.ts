/**
 * Regenerates constructs/collector/schemas/data/{core,contrib}.json from the `config.schema.yaml`
 * files of the pinned release in the Go module cache (run `go mod download` in collector/dist
 * first): structure only (descriptions stripped), plus the corrections listed below, each
 * re-checked against the pinned collector at this release (docs/adr/0010).
 *
 *   npx tsx collector/update-schemas.ts
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { COLLECTOR_CORE_STABLE_RELEASE, COLLECTOR_RELEASE } from '../constructs/collector/release';

type Node = Record<string, unknown>;
const DATA = path.join(__dirname, '..', 'constructs', 'collector', 'schemas', 'data');
const CORE = 'go.opentelemetry.io/collector';
const CONTRIB = 'github.com/open-telemetry/opentelemetry-collector-contrib';
const DROPPED_KEYS = new Set(['description', 'examples', 'title']);

/** A correction: the file, what is changed and why (recorded in the data file), and the change. */
interface Correction {
  readonly file: string;
  readonly note: string;
  readonly apply: (schema: Node) => void;
}

const defs = (schema: Node) => schema.$defs as Record<string, Node>;

const CORE_CORRECTIONS: readonly Correction[] = [
  {
    file: '/config/configopaque',
    note: 'map_list: also accepts the map form (name: value), which configopaque.MapList unmarshals and the pinned collector loads',
    apply: (s) => {
      defs(s).map_list = {
        anyOf: [
          { type: 'array', items: { $ref: 'pair' } },
          { type: 'object', additionalProperties: { $ref: 'string' } },
        ],
      };
    },
  },
  {
    file: '/config/configtelemetry',
    note: 'level: written as its name (none, basic, normal, detailed); configtelemetry.Level unmarshals from text, the upstream schema types it as its int32 value',
    apply: (s) => {
      defs(s).level = { type: 'string', enum: ['none', 'basic', 'normal', 'detailed'] };
    },
  },
];

const CONTRIB_CORRECTIONS: readonly Correction[] = [
  {
    file: '/pkg/ottl',
    note: 'error_mode: gains its enum (ignore, silent, propagate); the pinned collector refuses any other value',
    apply: (s) => {
      defs(s).error_mode = { type: 'string', enum: ['ignore', 'silent', 'propagate'] };
    },
  },
  {
    file: '/processor/cumulativetodeltaprocessor/internal/tracking',
    note: 'initial_value: the text auto|keep|drop (the file says integer only; the pinned collector loads both)',
    apply: (s) => {
      defs(s).initial_value = {
        anyOf: [
          { type: 'string', enum: ['auto', 'keep', 'drop'] },
          { type: 'integer', minimum: 0, maximum: 2 },
        ],
      };
    },
  },
  {
    file: '/processor/transformprocessor/internal/common',
    note: 'context_statements: also a plain statement string (the flat form the pinned collector still loads)',
    apply: (s) => {
      defs(s).context_statements = { anyOf: [{ type: 'string' }, defs(s).context_statements] };
    },
  },
];

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Node)
      .filter(([k]) => !DROPPED_KEYS.has(k))
      .map(([k, v]) => [k, strip(v)]),
  );
}

/** Every config.schema.yaml of `module`-prefixed modules at one of `versions`, keyed by path in its repository. */
function collect(cache: string, prefix: string, versions: readonly string[]): Record<string, Node> {
  const files: Record<string, Node> = {};
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name.includes('@') && !versions.some((v) => entry.name.endsWith(`@v${v}`))) continue;
        walk(full);
      } else if (entry.name === 'config.schema.yaml') {
        const rel = path.relative(path.join(cache, prefix), path.dirname(full)).split(path.sep).join('/');
        const key = `/${rel.replace(/@v[^/]+/, '')}`.replace(/\/$/, '');
        files[key] = strip(parse(fs.readFileSync(full, 'utf8'))) as Node;
      }
    }
  };
  walk(path.join(cache, prefix));
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function write(name: string, source: string, files: Record<string, Node>, corrections: readonly Correction[], written: Record<string, Node>): void {
  for (const c of corrections) {
    if (!files[c.file]) throw new Error(`${name}: ${c.file} is not in the module cache at this release: re-check the correction`);
    c.apply(files[c.file]!);
  }
  const all = Object.fromEntries(Object.entries({ ...files, ...written }).sort(([a], [b]) => (a < b ? -1 : 1)));
  const body = { source, corrections: corrections.map((c) => `${c.file} ${c.note}`), written: Object.keys(written), files: all };
  const target = path.join(DATA, `${name}.json`);
  fs.writeFileSync(`${target}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
  fs.renameSync(`${target}.tmp`, target);
}

function main(): void {
  const cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const previous = JSON.parse(fs.readFileSync(path.join(DATA, 'contrib.json'), 'utf8')) as { files: Record<string, Node> };
  // No config.schema.yaml upstream at this release: kept as written from the documented config.
  const writtenContrib: Record<string, Node> = {};
  for (const file of ['/internal/healthcheck', '/processor/filterprocessor/internal/condition']) {
    if (!previous.files[file]) throw new Error(`contrib.json lost the written schema ${file}`);
    writtenContrib[file] = previous.files[file]!;
  }
  write(
    'core',
    `open-telemetry/opentelemetry-collector v${COLLECTOR_RELEASE} (stable modules v${COLLECTOR_CORE_STABLE_RELEASE}): every config.schema.yaml of the modules the pinned distribution builds, structure only (descriptions stripped)`,
    collect(cache, CORE, [COLLECTOR_RELEASE, COLLECTOR_CORE_STABLE_RELEASE]),
    CORE_CORRECTIONS,
    {},
  );
  write(
    'contrib',
    `open-telemetry/opentelemetry-collector-contrib v${COLLECTOR_RELEASE}: every config.schema.yaml of the modules the pinned distribution builds, structure only (descriptions stripped); 'written' lists the files written from documented config (no upstream file at this release)`,
    collect(cache, CONTRIB, [COLLECTOR_RELEASE]),
    CONTRIB_CORRECTIONS,
    writtenContrib,
  );
}

main();
