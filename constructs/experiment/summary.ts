import type { IConstruct } from 'constructs';
import { Experiment } from './experiment';

/**
 * One line per Experiment under `root`, for `phoenix synth` to print: what each shadows in its
 * environment (scope, variants, destination), or why it shadows nothing (pending, promoted,
 * rolled back), followed by its warnings, each prefixed `warning:`.
 */
export function shadowSummaryLines(root: IConstruct): string[] {
  const lines: string[] = [];
  for (const experiment of Experiment.findAll(root)) {
    lines.push(experiment.summary());
    for (const warning of experiment.warnings) lines.push(`  warning: ${experiment.node.path}: ${warning}`);
  }
  return lines;
}

/**
 * Every validation problem of the Experiments under `root` (no candidate; a rendered collector
 * config the collector would reject), each naming the construct path. Empty when all is well.
 * Lets a caller report them as input errors (exit 2) before `app.synth()` throws its own error.
 */
export function experimentValidationProblems(root: IConstruct): string[] {
  return Experiment.findAll(root).flatMap((experiment) => experiment.node.validate());
}
