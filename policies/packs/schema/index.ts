import type { RulePack } from '../../types';
import { collectorConfigValid } from './collector-config-valid';
import { schemaValid } from './schema-valid';
import { unknownKind } from './unknown-kind';

/** Schema validation: upstream Kubernetes, Flux and operator schemas; collector component schemas. */
export const schemaPack: RulePack = {
  name: 'schema',
  description: 'Objects and collector configs match their upstream schemas.',
  rules: [schemaValid, unknownKind, collectorConfigValid],
};
