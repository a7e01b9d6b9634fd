/**
 * Hostile input: crafted files that once crashed or hung `phoenix check` and `fromYaml`. Each must
 * give a clear finding or an input error naming the file, within seconds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CollectorPipeline } from '../../constructs/collector';
import { runPhoenix } from '../support/run-phoenix';
import { tempTree } from './support';

const HOSTILE = path.join(__dirname, '..', 'fixtures', 'hostile');
const read = (name: string) => fs.readFileSync(path.join(HOSTILE, name), 'utf8');

describe('hostile input', () => {
  it('refuses a YAML alias bomb in a collector config with exit 2 naming file:line, within seconds', async () => {
    const root = tempTree({ 'gitops/bomb.yaml': read('bomb2.yaml') });
    const started = Date.now();
    const run = await runPhoenix(['check', 'gitops'], root, { NO_COLOR: '1' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/gitops\/bomb\.yaml:1: the document expands to more than 1,000,000 values/);
    expect(run.stderr.split('\n').every((line) => line.length < 1_000)).toBe(true);
  });

  it('fromYaml refuses an alias bomb with an error naming the file', () => {
    const file = path.join(HOSTILE, 'bomb2.yaml');
    expect(() => CollectorPipeline.fromYaml(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .*alias`));
  });

  it('checks components named after Object.prototype members, and flags pipeline ids that are not signals', async () => {
    const root = tempTree({ 'gitops/proto.yaml': read('proto.yaml') });
    const run = await runPhoenix(['check', 'gitops', '--format', 'json'], root);
    expect(run.code).toBe(1);
    const findings = JSON.parse(run.stdout).findings as Array<{ ruleId: string; severity: string; message: string; line: number }>;
    expect(findings.filter((f) => f.severity === 'error' && f.ruleId === 'schema/collector-config').map((f) => f.message)).toEqual([
      expect.stringMatching(/service\.pipelines\.__proto__: a pipeline id is a signal/),
      expect.stringMatching(/service\.pipelines\.foo: a pipeline id is a signal/),
    ]);
    expect(findings.some((f) => /could not check this document/.test(f.message))).toBe(false);
    expect(findings.filter((f) => /no schema for processor type '(constructor|toString|__proto__)'/.test(f.message))).toHaveLength(3);
  });
});
