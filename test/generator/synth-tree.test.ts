import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAll } from 'js-yaml';
import { loadEnvironments } from '../../environments/load-environments';
import { main } from '../../app/main';
import { loadExperiments, synthesizeTree, synthToDisk, SUBSTITUTE_ANNOTATION } from '../../generators';
import { EXPERIMENT_OBJECT_LABEL } from '../../analysis/labels';
import { fluxCrdValidator } from './crd-validator';
import { documents, fixtureExperiments, kustomize, readFiles, tempDir } from './helpers';

describe('phoenix synth: the tree', () => {
  let root: string;
  let tree: string;
  beforeAll(() => {
    root = tempDir();
    tree = path.join(root, 'gitops');
    synthToDisk({ outDir: tree, experimentsDir: fixtureExperiments, fluxPath: 'gitops' });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('lays out the cluster entry points, the infrastructure and one folder per experiment and environment', () => {
    const files = [...readFiles(tree).keys()];
    for (const env of ['dev', 'staging', 'prod']) {
      expect(files).toEqual(
        expect.arrayContaining([
          `clusters/${env}/phoenix-infrastructure.yaml`,
          `clusters/${env}/phoenix-experiments.yaml`,
          `clusters/${env}/phoenix-notifications.yaml`,
          `infrastructure/${env}/kustomization.yaml`,
          `experiments/${env}/alpha/kustomization.yaml`,
          `experiments/${env}/beta/kustomization.yaml`,
        ]),
      );
    }
    // never a kustomization.yaml in a cluster folder, never anything under flux-system/
    expect(files.filter((file) => file.startsWith('clusters/') && (file.endsWith('/kustomization.yaml') || file.includes('flux-system')))).toEqual([]);
  });

  it('every folder a Phoenix Kustomization points at builds with kubectl kustomize', () => {
    const kustomizations = ['dev', 'staging', 'prod']
      .flatMap((env) =>
        [`clusters/${env}/phoenix-infrastructure.yaml`, `clusters/${env}/phoenix-experiments.yaml`].flatMap((file) => documents(path.join(tree, file))),
      )
      .filter((object) => object.kind === 'Kustomization');
    expect(kustomizations.length).toBe(9);
    for (const kustomization of kustomizations) {
      // Flux paths are relative to the repository root, which holds gitops/
      const folder = path.join(root, kustomization.spec.path);
      const objects = kustomize(folder);
      expect(objects.length).toBeGreaterThan(0);
    }
  }, 180_000);

  it('gives each experiment its own Flux Kustomization: prune, wait, timeout, after the infrastructure, labelled', () => {
    const [alpha] = documents(path.join(tree, 'clusters/prod/phoenix-experiments.yaml'));
    expect(alpha.metadata.labels[EXPERIMENT_OBJECT_LABEL]).toBe('alpha');
    expect(alpha.spec).toMatchObject({
      prune: true,
      wait: true,
      timeout: '5m',
      path: './gitops/experiments/prod/alpha',
      dependsOn: [{ name: 'phoenix-infrastructure' }],
    });
  });

  it('every Flux object validates against its CRD schema', () => {
    const validate = fluxCrdValidator();
    const objects = [...readFiles(path.join(tree, 'clusters')).keys()].flatMap((file) => documents(path.join(tree, 'clusters', file)));
    expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(['GitRepository', 'Kustomization', 'Provider', 'Alert']));
    for (const object of objects) expect(validate(object)).toEqual([]);
  });

  it('marks collector objects so Flux does not substitute ${…} in their configs', () => {
    const objects = kustomize(path.join(tree, 'experiments/dev/alpha'));
    for (const object of objects) expect(object.metadata.annotations[SUBSTITUTE_ANNOTATION]).toBe('disabled');
    const config = objects.find((o) => o.kind === 'ConfigMap')!;
    expect(config.data['config.yaml']).toContain('${env:SHADOW_URL}');
    expect(config.metadata.namespace).toBe('phoenix-collectors');
  });

  it('renders each environment with its own lifecycle and overrides', () => {
    const dev = kustomize(path.join(tree, 'experiments/dev/beta'));
    const prod = kustomize(path.join(tree, 'experiments/prod/beta'));
    expect(dev.find((o) => o.kind === 'ConfigMap')!.data['config.yaml']).toContain('phase: running');
    expect(prod.find((o) => o.kind === 'ConfigMap')!.data['config.yaml']).toContain('phase: pending');
    expect(dev.find((o) => o.kind === 'Deployment')!.spec.replicas).toBe(1);
  });

  it('is deterministic: two runs give byte-identical trees', () => {
    const again = path.join(root, 'again', 'gitops');
    synthToDisk({ outDir: again, experimentsDir: fixtureExperiments, fluxPath: 'gitops' });
    expect(readFiles(again)).toEqual(readFiles(tree));
  });

  it('cdk8s synth (app/main.ts) writes the same objects', () => {
    // GIVEN the cdk8s app, pointed at the same experiments and an output folder of its own
    const outdir = path.join(root, 'cdk8s.out');
    const saved = { experiments: process.env.PHOENIX_EXPERIMENTS_DIR, outdir: process.env.CDK8S_OUTDIR };
    process.env.PHOENIX_EXPERIMENTS_DIR = fixtureExperiments;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      main().synth();
    } finally {
      restore('PHOENIX_EXPERIMENTS_DIR', saved.experiments);
      restore('CDK8S_OUTDIR', saved.outdir);
    }
    // WHEN both outputs are read as objects
    const sources = { environments: loadEnvironments(), experiments: loadExperiments(fixtureExperiments), fluxPath: 'gitops' };
    const fromCdk8s = [...readFiles(outdir).values()].flatMap((text) => loadAll(text) as object[]);
    const phoenix = synthesizeTree(sources);
    const fromPhoenix = [...phoenix.files.entries()].filter(([file]) => !file.endsWith('kustomization.yaml')).flatMap(([, text]) => loadAll(text) as object[]);
    // THEN they are the same objects
    const key = (o: unknown) => JSON.stringify(o);
    expect(fromCdk8s.map(key).sort()).toEqual(fromPhoenix.map(key).sort());
    expect(fromCdk8s.length).toBe(phoenix.objectCount);
  });
});

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

describe('phoenix synth: problems', () => {
  it('reports a mistake once, naming every environment it holds in, not once per environment', () => {
    // GIVEN an experiment whose promotion window is 0 minutes (wrong in every environment)
    const experimentsDir = path.join(__dirname, '..', 'fixtures', 'generator', 'broken-experiments');
    // WHEN it is synthesized for dev, staging and prod
    let message = '';
    try {
      synthesizeTree({ environments: loadEnvironments(), experiments: loadExperiments(experimentsDir) });
    } catch (error) {
      message = (error as Error).message;
    }
    // THEN the environment-independent problem is one line for all three
    const whole = message.split('\n').filter((line) => line.includes('must be a whole number of at least 1'));
    expect(whole).toHaveLength(1);
    expect(whole[0]).toMatch(/zero-window\.ts \(dev, staging, prod\): node-cpu-by-mode\/node-cpu-by-mode: promotion\.windowMinutes \(0\)/);
    // AND a problem whose words depend on the environment stays apart per distinct wording
    const scrape = message.split('\n').filter((line) => line.includes('× the scrape interval'));
    expect(scrape.length).toBeGreaterThanOrEqual(1);
    expect(scrape.join('\n')).toMatch(/\(dev[,)]/);
    expect(scrape.every((line) => !/\b(dev|staging|prod)-node-cpu/.test(line))).toBe(true);
  });
});
