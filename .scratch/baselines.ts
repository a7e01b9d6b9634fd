import { Chart, Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { CollectorPipeline, Processor } from '../constructs/collector';
import { Experiment } from '../constructs/experiment/experiment';
import { checkSources } from '../policies';

for (const file of process.argv.slice(2)) {
  const metric = process.env.METRIC ?? 'up';
  console.log(`== ${file}`);
  try {
    const chart = new Chart(Testing.app(), 'x');
    new Experiment(chart, 'exp', {
      target: { environment: 'dev', namespace: 'observability', remoteWriteUrl: 'http://prometheus:9090/api/v1/write', shadowRemoteWriteUrl: 'http://shadow:9090/api/v1/write', scrapeIntervalSeconds: 60, lifecycle: { phase: 'running' } } as any,
      baseline: CollectorPipeline.fromYaml(file),
      scope: [metric],
      candidates: [{ name: 'drop', processors: [Processor.filterMetrics({ name: 'drop', dropNames: [metric] })] }],
      guardrails: { queries: [{ name: 'q', expr: `count({__name__="${metric}"})` }] },
      promotion: { windowMinutes: 30, windows: 2, consecutivePasses: 1 },
    } as any);
    const objects = Testing.synth(chart);
    const text = objects.map((o) => stringify(o)).join('---\n');
    const report = checkSources([{ file: 'out.yaml', text }], { waiversFile: false, repoRoot: '/tmp', pathExists: () => true });
    for (const f of report.findings) console.log(`  ${f.line}:${f.column} ${f.severity} ${f.ruleId}: ${f.message.slice(0, 300)}`);
  } catch (error) {
    console.log(`  THROWN ${(error as Error).name}: ${(error as Error).message.slice(0, 600)}`);
  }
}
