import * as fs from 'node:fs';
import * as path from 'node:path';

/** An ajv-compiled validator as shipped by kubernetes-models (errors carry `instancePath`). */
export interface ShippedValidator {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }> | null;
}

/** Groups whose schema names do not follow `IoK8sApi<Group><Version><Kind>`. */
const GROUP_PREFIXES: Record<string, string> = {
  'apiextensions.k8s.io': 'IoK8sApiextensionsApiserverPkgApisApiextensions',
  'apiregistration.k8s.io': 'IoK8sKubeAggregatorPkgApisApiregistration',
};

const SCHEMA_DIR = path.join(path.dirname(require.resolve('kubernetes-models/package.json')), '_schemas');
let available: Set<string> | undefined;
const loaded = new Map<string, ShippedValidator | undefined>();

/**
 * Validator of a Kubernetes built-in object from the `kubernetes-models` 4.x package, which ships the
 * upstream OpenAPI schemas precompiled with ajv (no compile at start-up). Undefined for unknown kinds.
 */
export function kubernetesValidator(apiVersion: string, kind: string): ShippedValidator | undefined {
  const name = schemaNameOf(apiVersion, kind);
  if (loaded.has(name)) return loaded.get(name);
  available ??= new Set(
    fs
      .readdirSync(SCHEMA_DIR)
      .filter((file) => file.endsWith('.js'))
      .map((file) => file.slice(0, -3)),
  );
  const validate = available.has(name) ? (require(path.join(SCHEMA_DIR, `${name}.js`)) as { validate: ShippedValidator }).validate : undefined;
  loaded.set(name, validate);
  return validate;
}

function schemaNameOf(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const prefix = GROUP_PREFIXES[group] ?? `IoK8sApi${group === '' ? 'Core' : capitalize(group.split('.')[0])}`;
  return `${prefix}${capitalize(version)}${kind}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
