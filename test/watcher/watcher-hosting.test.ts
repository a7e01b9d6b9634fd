import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWatcherConfig } from '../../app/watcher/config';
import { PHOENIX_REPOSITORY } from '../../constructs/watcher/phoenix-image';
import prod from '../../environments/prod';
import { environmentProblems } from '../../environments/validate-environment';

const root = path.join(__dirname, '..', '..');

describe('the environment that hosts the watcher', () => {
  it('ships a watcher config that the watcher accepts, in propose mode with a Lease', () => {
    const file = path.join(root, 'environments', 'watcher.yaml');
    const config = parseWatcherConfig(readFileSync(file, 'utf8'), file);
    expect(config.mode).toBe('propose');
    expect(config.lease).toMatchObject({ namespace: 'phoenix-system', name: 'phoenix-watcher' });
    // the example tree's config repository is Phoenix's own (package.json `repository`)
    const [owner, repo] = PHOENIX_REPOSITORY.split('/');
    expect(config.github).toMatchObject({ owner, repo });
  });

  it('gets the watcher objects in its infrastructure folder, without any Secret', () => {
    const folder = path.join(root, 'gitops', 'infrastructure', 'prod');
    const kustomization = readFileSync(path.join(folder, 'kustomization.yaml'), 'utf8');
    for (const file of [
      'deployment-phoenix-watcher.yaml',
      'role-phoenix-watcher.yaml',
      'servicemonitor-phoenix-watcher.yaml',
      'configmap-phoenix-watcher.yaml',
    ]) {
      expect(kustomization).toContain(file);
    }
    expect(kustomization).not.toMatch(/secret-/);
    expect(prod.watcher?.configYaml).toBe(readFileSync(path.join(root, 'environments', 'watcher.yaml'), 'utf8'));
  });

  it('fails validation when the watcher image is not pinned', () => {
    const problems = environmentProblems({ ...prod, watcher: { image: 'ghcr.io/acme/phoenix:latest', configYaml: 'x' } }, 'environments/prod.ts');
    expect(problems.join('\n')).toMatch(/watcher\.image.*pinned/);
  });

  it('fails when propose mode has no github section', () => {
    expect(() =>
      parseWatcherConfig(
        'repository: { url: /tmp/x }\nmode: propose\nenvironments: { dev: { flux: { source: kubernetes, namespace: flux-system } } }\n',
        'w.yaml',
      ),
    ).toThrow(/propose mode opens pull requests and needs a 'github' section/);
  });
});
