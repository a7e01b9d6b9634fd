import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

interface ActionStep {
  readonly id: string;
  readonly run: string;
  readonly env?: Record<string, string>;
}

/** One step's outcome. */
export interface StepResult {
  readonly id: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a composite action's steps the way the runner does: bash, each step's env mapping with
 * `${{ github.action_path }}` and `${{ inputs.* }}` expanded, in the repository; stops at the
 * first failing step. `actionPath` is the folder holding action.yml.
 */
export function runAction(actionPath: string, repoDir: string, inputs: Record<string, string>): StepResult[] {
  const action = parse(fs.readFileSync(path.join(actionPath, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    runs: { steps: ActionStep[] };
  };
  const outputFile = path.join(repoDir, '..', `${path.basename(repoDir)}-github-output`);
  const summaryFile = path.join(repoDir, '..', `${path.basename(repoDir)}-step-summary`);
  const expand = (value: string) =>
    value
      .replace(/\$\{\{\s*github\.action_path\s*\}\}/g, actionPath)
      .replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_all, name: string) => inputs[name] ?? action.inputs[name]?.default ?? '');
  const results: StepResult[] = [];
  for (const step of action.runs.steps) {
    const env = {
      ...process.env,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v)])),
    };
    const result = spawnSync('bash', ['-c', step.run], { cwd: repoDir, env, encoding: 'utf8' });
    results.push({ id: step.id, status: result.status, stdout: result.stdout, stderr: result.stderr });
    if (result.status !== 0) break;
  }
  return results;
}
