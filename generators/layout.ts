import type { UnitOutput } from './units';
import { emitYaml, emitYamlDocuments } from './emit-yaml';

/** A Kubernetes object as cdk8s renders it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** `kind/namespace/name`, the identity of an object in a cluster. */
export function objectKey(object: KubeObject): string {
  return `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** Files of one chart, path → content, plus the problems found (duplicates). */
export interface LaidOut {
  readonly files: Array<[string, string]>;
  readonly problems: string[];
}

/**
 * Lays out one chart's objects: a single multi-document file, or a folder with one
 * `<kind>-<name>.yaml` per object (namespace added to the name only when two objects
 * would otherwise share a file) and a `kustomization.yaml` listing them in cdk8s's order.
 * Two objects with the same kind, namespace and name are a problem (one would silently
 * replace the other in the cluster).
 */
export function layOut(objects: readonly KubeObject[], output: UnitOutput, source: string): LaidOut {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const object of objects) {
    const key = objectKey(object);
    if (seen.has(key)) problems.push(`${source}: two objects ${key} in ${output.path}: give one of them another name`);
    seen.add(key);
  }
  if (output.type === 'file') return { files: [[output.path, emitYamlDocuments(objects)]], problems };
  const base = objects.map((object) => `${object.kind.toLowerCase()}-${object.metadata.name}`);
  const counts = new Map<string, number>();
  for (const name of base) counts.set(name, (counts.get(name) ?? 0) + 1);
  const files: Array<[string, string]> = [];
  const resources: string[] = [];
  objects.forEach((object, index) => {
    const fileName =
      counts.get(base[index])! > 1 && object.metadata.namespace
        ? `${object.kind.toLowerCase()}-${object.metadata.namespace}-${object.metadata.name}.yaml`
        : `${base[index]}.yaml`;
    if (fileName === 'kustomization.yaml') problems.push(`${source}: an object would be written to ${output.path}/kustomization.yaml: rename it`);
    resources.push(fileName);
    files.push([`${output.path}/${fileName}`, emitYaml(object)]);
  });
  files.push([`${output.path}/kustomization.yaml`, kustomizationFile(resources)]);
  return { files, problems };
}

function kustomizationFile(resources: readonly string[]): string {
  return emitYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources });
}
