import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthCheck } from '../../generators';
import { fluxCrdValidator } from './crd-validator';
import { documents, kustomize, readFiles, repoRoot } from './helpers';

const tree = path.join(repoRoot, 'gitops');

describe('the committed gitops/ tree (the example experiments)', () => {
  it('is what phoenix synth produces from the sources (CI runs phoenix synth --check too)', () => {
    const { differences } = synthCheck({ outDir: tree, experimentsDir: path.join(repoRoot, 'experiments'), fluxPath: 'gitops' });
    expect(differences).toEqual({ missing: [], changed: [], extra: [] });
  }, 180_000);

  it('every folder a Phoenix Kustomization points at builds with kubectl kustomize, and every Flux object fits its CRD', () => {
    const validate = fluxCrdValidator();
    const clusterFiles = [...readFiles(path.join(tree, 'clusters')).keys()];
    const fluxObjects = clusterFiles.flatMap((file) => documents(path.join(tree, 'clusters', file)));
    for (const object of fluxObjects) expect(validate(object)).toEqual([]);
    const paths = fluxObjects.filter((object) => object.kind === 'Kustomization').map((object) => object.spec.path as string);
    expect(paths.length).toBeGreaterThan(3);
    for (const folder of paths) expect(kustomize(path.join(repoRoot, folder)).length).toBeGreaterThan(0);
  }, 180_000);
});
