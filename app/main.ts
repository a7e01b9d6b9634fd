/**
 * The cdk8s app (`cdk8s synth`, see cdk8s.yaml): every environment × experiment chart and each
 * environment's Flux charts, one YAML file per chart in `cdk8s.out/` (cdk8s.yaml's `output`, which
 * the cdk8s CLI passes as CDK8S_OUTDIR; run directly, the app writes there too). `phoenix synth`
 * writes the same objects laid out as the GitOps tree Flux reads.
 *
 * Environment variables: PHOENIX_EXPERIMENTS_DIR (default `experiments`), PHOENIX_FLUX_PATH
 * (default `gitops`, the tree's folder in the repository), CDK8S_OUTDIR (default `cdk8s.out`).
 */
import { App } from 'cdk8s';
import path from 'node:path';
import { loadEnvironments } from '../environments/load-environments';
import { addTreeCharts, loadExperiments } from '../generators';

/** The output folder of the cdk8s app, as cdk8s.yaml names it. */
export const CDK8S_OUTPUT = 'cdk8s.out';

export function main(): App {
  const app = new App({ outdir: process.env.CDK8S_OUTDIR ?? CDK8S_OUTPUT });
  addTreeCharts(app, {
    environments: loadEnvironments(),
    experiments: loadExperiments(path.resolve(process.env.PHOENIX_EXPERIMENTS_DIR ?? 'experiments')),
    fluxPath: process.env.PHOENIX_FLUX_PATH ?? 'gitops',
  });
  return app;
}

if (require.main === module) {
  try {
    main().synth();
  } catch (error) {
    process.stderr.write(`cdk8s synth: error: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
