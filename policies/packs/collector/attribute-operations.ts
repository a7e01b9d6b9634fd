import { isRecord } from '../../collector-configs';
import { processorType, sectionOf } from './config-view';

const DROP_CALL = /\b(delete_key|delete_matching_keys|keep_keys|keep_matching_keys)\(\s*(datapoint\.)?attributes\b/;
const AGGREGATE_CALL = /\b(aggregate_on_attributes|aggregate_on_attribute_value)\(/;

/** What a processor does to metric data point attributes. */
export interface AttributeOperations {
  /** Human-readable descriptions of the drops (`delete_key(attributes, "pod")`). */
  readonly drops: readonly string[];
  readonly aggregates: boolean;
}

/** Reads a processor's drops and aggregations (transform, attributes, metrics_transform). */
export function attributeOperations(config: Readonly<Record<string, unknown>>, processorId: string): AttributeOperations {
  const settings = sectionOf(config, 'processors')[processorId];
  const type = processorType(processorId);
  if (!isRecord(settings)) return { drops: [], aggregates: false };
  if (type === 'transform') return transformOperations(settings);
  if (type === 'attributes') return attributesOperations(settings);
  if (type === 'metrics_transform') return { drops: [], aggregates: metricsTransformAggregates(settings) };
  return { drops: [], aggregates: false };
}

function transformOperations(settings: Record<string, unknown>): AttributeOperations {
  const drops: string[] = [];
  let aggregates = false;
  const statements = Array.isArray(settings.metric_statements) ? settings.metric_statements : [];
  for (const group of statements) {
    const context = isRecord(group) && typeof group.context === 'string' ? group.context : 'datapoint';
    const list = typeof group === 'string' ? [group] : isRecord(group) && Array.isArray(group.statements) ? group.statements : [];
    for (const statement of list) {
      if (typeof statement !== 'string') continue;
      if (AGGREGATE_CALL.test(statement)) aggregates = true;
      const drop = DROP_CALL.exec(statement);
      if (drop && (drop[2] !== undefined || context === 'datapoint')) drops.push(statement.trim());
    }
  }
  return { drops, aggregates };
}

function attributesOperations(settings: Record<string, unknown>): AttributeOperations {
  const actions = Array.isArray(settings.actions) ? settings.actions : [];
  const drops = actions
    .filter((action): action is Record<string, unknown> => isRecord(action) && action.action === 'delete')
    .map((action) => `delete ${String(action.key ?? action.pattern ?? '')}`);
  return { drops, aggregates: false };
}

function metricsTransformAggregates(settings: Record<string, unknown>): boolean {
  const transforms = Array.isArray(settings.transforms) ? settings.transforms : [];
  return transforms.some(
    (transform) =>
      isRecord(transform) &&
      Array.isArray(transform.operations) &&
      transform.operations.some(
        (operation) => isRecord(operation) && (operation.action === 'aggregate_labels' || operation.action === 'aggregate_label_values'),
      ),
  );
}
