/**
 * Maintenance script: copies the `openAPIV3Schema` of every served version of upstream CRDs into
 * `policies/schemas/crds/<group>_<kind>_<version>.json`, with `description` fields stripped
 * (the prose is upstream's; the structure is what validation needs) and the source recorded.
 *
 *   npx tsx policies/schemas/import-crds.ts DIR_WITH_CRD_YAML [SOURCE_NOTE]
 *
 * Never run at check time: the engine reads only the committed JSON files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jsYaml from 'js-yaml';

interface CrdVersion {
  name: string;
  served?: boolean;
  schema?: { openAPIV3Schema?: unknown };
}
interface Crd {
  kind?: string;
  spec?: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

function stripDescriptions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripDescriptions);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'description' && typeof value === 'string') continue;
    out[key] = key === 'properties' || key === 'patternProperties' ? stripPropertyMap(value) : stripDescriptions(value);
  }
  return moveIntOrStringPattern(out);
}

/**
 * Kubernetes applies the `pattern` of an `x-kubernetes-int-or-string` field to its string form only;
 * JSON Schema strict mode wants that said explicitly, so the pattern moves into the string branch.
 */
function moveIntOrStringPattern(node: Record<string, unknown>): Record<string, unknown> {
  if (node['x-kubernetes-int-or-string'] !== true || typeof node.pattern !== 'string' || !Array.isArray(node.anyOf)) return node;
  const { pattern, ...rest } = node;
  rest.anyOf = (node.anyOf as Array<Record<string, unknown>>).map((branch) => (branch.type === 'string' ? { ...branch, pattern } : branch));
  return rest;
}

/** Inside `properties` the keys are field names (a field may be called `description`). */
function stripPropertyMap(map: unknown): unknown {
  if (map === null || typeof map !== 'object') return map;
  const out: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(map)) out[field] = stripDescriptions(schema);
  return out;
}

function main(): void {
  const [dir, source = 'upstream CRD'] = process.argv.slice(2);
  if (!dir) throw new Error('usage: import-crds.ts DIR_WITH_CRD_YAML [SOURCE_NOTE]');
  const outDir = path.join(__dirname, 'crds');
  fs.mkdirSync(outDir, { recursive: true });
  for (const file of fs
    .readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()) {
    for (const doc of jsYaml.loadAll(fs.readFileSync(path.join(dir, file), 'utf8')) as Crd[]) {
      if (doc?.kind !== 'CustomResourceDefinition' || !doc.spec) continue;
      for (const version of doc.spec.versions) {
        if (!version.served || !version.schema?.openAPIV3Schema) continue;
        const apiVersion = `${doc.spec.group}/${version.name}`;
        const target = path.join(outDir, `${doc.spec.group}_${doc.spec.names.kind}_${version.name}.json`);
        const body = {
          $comment: `openAPIV3Schema of ${doc.spec.names.kind} ${apiVersion}, descriptions stripped; source: ${source} (${file})`,
          apiVersion,
          kind: doc.spec.names.kind,
          schema: stripDescriptions(version.schema.openAPIV3Schema),
        };
        fs.writeFileSync(target, `${JSON.stringify(body)}\n`);
        process.stdout.write(`${path.relative(process.cwd(), target)}\n`);
      }
    }
  }
}

main();
