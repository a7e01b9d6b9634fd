import type { RulePack } from '../../types';
import { createCandidateKeepsGuardrailsRule } from './candidate-keeps-guardrails';

/**
 * The guardrails pack: a candidate that drops a metric or a label a guardrail query needs, or
 * merges series with a function that changes its answer, is an error at the processor, naming the
 * query's file and position.
 */
export const guardrailsPack: RulePack = {
  name: 'guardrails',
  description: 'Candidates keep the answers of the experiment guardrail queries.',
  rules: [createCandidateKeepsGuardrailsRule()],
};

export { createCandidateKeepsGuardrailsRule } from './candidate-keeps-guardrails';
export { checkCandidateGuardrails, type CandidateProcessor, type GuardrailViolation } from './check';
export { processorChanges, type OtelChange } from './processor-changes';
export { guardrailQueries, type GuardrailFileReader, type ManifestGuardrail } from './guardrail-queries';
