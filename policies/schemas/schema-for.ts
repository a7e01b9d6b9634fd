import { crdValidator } from './crd-schemas';
import { kubernetesValidator } from './kubernetes-schemas';

/** A validator with ajv-style errors. */
export interface ObjectValidator {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }> | null;
}

const byApiVersion = new Map<string, Map<string, ObjectValidator | null>>();

/**
 * The schema validator for an apiVersion and kind: Kubernetes built-ins from kubernetes-models, then the
 * CRDs copied here. `undefined` for unknown kinds. Looked up once per pair (nested maps, no key strings).
 */
export function schemaFor(apiVersion: string, kind: string): ObjectValidator | undefined {
  let kinds = byApiVersion.get(apiVersion);
  if (!kinds) byApiVersion.set(apiVersion, (kinds = new Map()));
  let validate = kinds.get(kind);
  if (validate === undefined) {
    validate =
      (kubernetesValidator(apiVersion, kind) as ObjectValidator | undefined) ?? (crdValidator(apiVersion, kind) as ObjectValidator | undefined) ?? null;
    kinds.set(kind, validate);
  }
  return validate ?? undefined;
}
