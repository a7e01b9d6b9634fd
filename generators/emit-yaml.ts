import { dump } from 'js-yaml';

const OPTIONS = { sortKeys: false, lineWidth: -1, noRefs: true } as const;

/**
 * One Kubernetes object as YAML. js-yaml's `dump` is about twice as fast as `yaml`'s
 * `stringify` on many small objects (docs/adr/0031); key order is the object's own (cdk8s
 * already sorts keys and puts apiVersion, kind, metadata first), so the same object always
 * gives the same bytes. Strings a YAML 1.1 reader would take for booleans, numbers or dates
 * (`yes`, `on`, `0755`, `12:30`) are quoted.
 */
export function emitYaml(object: unknown): string {
  return dump(object, OPTIONS);
}

/** Several objects as one multi-document file (`---` between documents). */
export function emitYamlDocuments(objects: readonly unknown[]): string {
  return objects.map(emitYaml).join('---\n');
}
