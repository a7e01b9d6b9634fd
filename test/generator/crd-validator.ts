import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';

const CRD_DIR = path.join(__dirname, '..', '..', 'constructs', 'flux', 'crds');

/** Validates objects against the openAPIV3Schema of the Flux CRDs kept in constructs/flux/crds/. */
export function fluxCrdValidator(): (object: Record<string, any>) => string[] {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('int32', true).addFormat('int64', true);
  for (const keyword of [
    'x-kubernetes-preserve-unknown-fields',
    'x-kubernetes-validations',
    'x-kubernetes-int-or-string',
    'x-kubernetes-list-type',
    'x-kubernetes-list-map-keys',
    'x-kubernetes-map-type',
    'x-kubernetes-embedded-resource',
  ])
    ajv.addVocabulary([keyword]);
  const validators = new Map<string, ReturnType<Ajv['compile']>>();
  for (const file of fs.readdirSync(CRD_DIR).filter((name) => name.endsWith('.yaml'))) {
    const crd = load(fs.readFileSync(path.join(CRD_DIR, file), 'utf8')) as any;
    for (const version of crd.spec.versions) {
      validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(version.schema.openAPIV3Schema));
    }
  }
  return (object) => {
    const validate = validators.get(`${object.apiVersion}/${object.kind}`);
    if (!validate) return [`no CRD for ${object.apiVersion} ${object.kind}`];
    return validate(object) ? [] : (validate.errors ?? []).map((error) => `${object.kind}/${object.metadata?.name}${error.instancePath} ${error.message}`);
  };
}
