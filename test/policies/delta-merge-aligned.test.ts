import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkPaths, checkSources } from '../../policies';
import { deltaMergeStartsAligned } from '../../policies/packs/collector/delta-merge-aligned';
import { CollectorPipeline, Processor } from '../../constructs/collector';

const RULE = 'collector/delta-merge-starts-aligned';
const ROOT = path.join(__dirname, '..', '..');

/** A scraped counter merged between delta conversions, rendered by the constructs. */
function rendered(alignDeltaStarts: boolean | undefined): string {
  const pipeline = CollectorPipeline.fromYaml(path.join(ROOT, 'experiments', 'baselines', 'node-exporter.yaml'));
  const config = pipeline.render() as unknown as Record<string, any>;
  const processors = [
    Processor.cumulativeToDelta({ name: 'by-mode', metrics: ['node_cpu_seconds_total'] }),
    Processor.keepAttributes({
      name: 'by-mode',
      metrics: [{ name: 'node_cpu_seconds_total', type: 'sum' }],
      keep: ['mode'],
      ...(alignDeltaStarts === undefined ? {} : { alignDeltaStarts }),
    }),
    Processor.deltaToCumulative({ name: 'by-mode' }),
  ];
  for (const p of processors) config.processors[p.id] = p.render();
  const production = config.service.pipelines.metrics;
  production.processors = [
    ...(production.processors ?? []).filter((id: string) => !id.startsWith('batch')),
    ...processors.map((p) => p.id),
    ...(production.processors ?? []).filter((id: string) => id.startsWith('batch')),
  ];
  return stringify(config);
}

const findingsOf = (text: string) =>
  checkSources([{ file: 'otelcol.yaml', text }], { rules: [deltaMergeStartsAligned], waiversFile: false, repoRoot: ROOT }).findings.filter(
    (f) => f.ruleId === RULE,
  );

describe('collector/delta-merge-starts-aligned', () => {
  it('reports a keepAttributes merge of a counter between delta conversions with alignDeltaStarts: false, at the processor, and not the default one', () => {
    // GIVEN the same candidate rendered with the starts kept and with the default
    const unaligned = findingsOf(rendered(false));
    // THEN only the unaligned merge is a finding, naming the metric and pointing at the pipeline's processor entry
    expect(unaligned).toHaveLength(1);
    expect(unaligned[0]!.severity).toBe('error');
    expect(unaligned[0]!.message).toMatch(
      /processor 'transform\/by-mode' merges delta points of 'node_cpu_seconds_total' after cumulativetodelta in pipeline 'metrics'/,
    );
    expect(unaligned[0]!.line).toBeGreaterThan(1);
    expect(findingsOf(rendered(undefined))).toEqual([]);
    expect(findingsOf(rendered(true))).toEqual([]);
  });

  it('the shipped tree passes, and would not without the start alignment its merges carry', () => {
    // GIVEN the committed gitops/ tree WHEN checked with every rule THEN the rule reports nothing
    const report = checkPaths(['gitops'], { baseDir: ROOT, repoRoot: ROOT });
    expect(report.documents).toBeGreaterThan(0);
    expect(report.findings.filter((f) => f.ruleId === RULE)).toEqual([]);
    // AND the same files with their `set(start_time_unix_nano, 0)` statements removed are reported: the
    // pass is not vacuous, every shipped counter or histogram merge depends on the alignment
    const files = fs
      .readdirSync(path.join(ROOT, 'gitops'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    const stripped = files.map((file) => ({
      file,
      text: fs
        .readFileSync(path.join(ROOT, 'gitops', file), 'utf8')
        .split('\n')
        .filter((line) => !/^\s*- set\(start_time_unix_nano, 0\)/.test(line))
        .join('\n'),
    }));
    const reported = checkSources(stripped, { rules: [deltaMergeStartsAligned], waiversFile: false, repoRoot: ROOT }).findings;
    expect(
      new Set(reported.map((f) => /metrics\/phoenix-([a-z-]+?)-(route-status|route-only|by-mode)'/.exec(f.message)?.slice(1).join('/'))).size,
    ).toBeGreaterThanOrEqual(3);
    expect(reported.some((f) => f.message.includes("'node_cpu_seconds_total'"))).toBe(true);
    expect(reported.some((f) => f.message.includes("'http.server.request.duration'"))).toBe(true);
  });
});
