import { App, Chart, Duration, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { EXPERIMENT_OBJECT_LABEL } from '../../analysis/labels';
import { Alert, GitRepository, Kustomization, Provider, fluxDuration } from '../../constructs/flux';
import { fluxCrdValidator } from './crd-validator';

const validate = fluxCrdValidator();

function chart(): Chart {
  return new Chart(Testing.app(), 'test');
}

describe('Flux constructs', () => {
  it('renders a Kustomization with Flux defaults that validates against the CRD', () => {
    // GIVEN a Kustomization for one experiment
    const scope = chart();
    const kustomization = new Kustomization(scope, 'Exp', {
      name: 'phoenix-experiment-http',
      path: './gitops/experiments/dev/http',
      sourceRef: { kind: 'GitRepository', name: 'phoenix' },
      dependsOn: ['phoenix-infrastructure'],
      experiment: 'http',
    });
    kustomization.addDependsOn('phoenix-other');
    // WHEN rendered
    const [object] = Testing.synth(scope);
    // THEN the spec carries Flux's terms, the experiment label and later additions
    expect(object.spec).toMatchObject({ interval: '10m', retryInterval: '2m', timeout: '5m', prune: true, wait: true, path: './gitops/experiments/dev/http' });
    expect(object.spec.dependsOn).toEqual([{ name: 'phoenix-infrastructure' }, { name: 'phoenix-other' }]);
    expect(object.metadata.labels[EXPERIMENT_OBJECT_LABEL]).toBe('http');
    expect(object.metadata.namespace).toBe('flux-system');
    expect(validate(object)).toEqual([]);
  });

  it('renders health checks when wait is off', () => {
    const scope = chart();
    new Kustomization(scope, 'K', {
      name: 'k',
      path: './x',
      sourceRef: { kind: 'GitRepository', name: 'phoenix' },
      wait: false,
      healthChecks: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'collector', namespace: 'phoenix-collectors' }],
    });
    const [object] = Testing.synth(scope);
    expect(object.spec.healthChecks).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'collector', namespace: 'phoenix-collectors' }]);
    expect(validate(object)).toEqual([]);
  });

  it('renders a GitRepository, a github Provider and an Alert that validate against their CRDs', () => {
    const scope = chart();
    new GitRepository(scope, 'Source', {
      name: 'phoenix',
      url: 'https://github.com/acme/metrics-config',
      interval: Duration.minutes(1),
      secretName: 'git-auth',
    });
    const provider = Provider.githubCommitStatus(scope, 'GitHub', {
      name: 'status',
      repositoryUrl: 'https://github.com/acme/metrics-config.git',
      secretName: 'gh-token',
    });
    new Alert(scope, 'Alert', { name: 'status', provider });
    const objects = Testing.synth(scope);
    expect(objects.map((o) => o.kind)).toEqual(['GitRepository', 'Provider', 'Alert']);
    expect(objects[0].spec).toMatchObject({ interval: '1m', ref: { branch: 'main' }, secretRef: { name: 'git-auth' } });
    expect(objects[1].spec).toEqual({ type: 'github', address: 'https://github.com/acme/metrics-config', secretRef: { name: 'gh-token' } });
    expect(objects[2].spec.providerRef).toEqual({ name: 'status' });
    for (const object of objects) expect(validate(object)).toEqual([]);
  });

  it('the CRD check rejects an object Flux would refuse', () => {
    // GIVEN a Kustomization whose interval is not a Go duration and whose sourceRef lacks a name
    const object = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'k' },
      spec: { interval: '10 minutes', prune: true, sourceRef: { kind: 'GitRepository' } },
    };
    // THEN the validator names both problems
    expect(validate(object).join('\n')).toMatch(/interval must match pattern[\s\S]*sourceRef must have required property 'name'/);
  });

  it('formats durations as Go durations', () => {
    expect(fluxDuration(Duration.minutes(90), 'interval', 'p')).toBe('1h30m');
    expect(fluxDuration(Duration.seconds(45), 'interval', 'p')).toBe('45s');
  });

  it('fails when a duration is not a whole number of seconds', () => {
    expect(() => fluxDuration(Duration.millis(1500), 'timeout', 'test/K')).toThrow(/'timeout' \(1500 ms\) must be a positive whole number of seconds/);
  });

  it('fails when the path leaves the source or does not start with ./', () => {
    expect(() => new Kustomization(chart(), 'K', { name: 'k', path: 'gitops/x', sourceRef: { kind: 'GitRepository', name: 's' } })).toThrow(
      /'path' \("gitops\/x"\) must start with '\.\/'/,
    );
    expect(() => new Kustomization(chart(), 'K', { name: 'k', path: './a/../..', sourceRef: { kind: 'GitRepository', name: 's' } })).toThrow(/no '\.\.'/);
  });

  it('fails when health checks are given while wait is on', () => {
    expect(
      () =>
        new Kustomization(chart(), 'K', {
          name: 'k',
          path: './x',
          sourceRef: { kind: 'GitRepository', name: 's' },
          healthChecks: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'c' }],
        }),
    ).toThrow(/'healthChecks' have no effect with 'wait: true'/);
  });

  it('fails when a Kustomization depends on itself or a name is not a Kubernetes name', () => {
    const k = new Kustomization(chart(), 'K', { name: 'k', path: './x', sourceRef: { kind: 'GitRepository', name: 's' } });
    expect(() => k.addDependsOn('k')).toThrow(/cannot depend on itself/);
    expect(() => new Kustomization(chart(), 'K', { name: 'Bad_Name', path: './x', sourceRef: { kind: 'GitRepository', name: 's' } })).toThrow(
      /'name' \("Bad_Name"\) must be a Kubernetes object name/,
    );
  });

  it('fails when the repository URLs are not URLs', () => {
    expect(() => new GitRepository(chart(), 'S', { name: 's', url: 'github.com/acme/x' })).toThrow(/'url' .* must be an https:\/\/ or ssh:\/\//);
    expect(() => Provider.githubCommitStatus(chart(), 'P', { name: 'p', repositoryUrl: 'https://github.com/acme', secretName: 't' })).toThrow(
      /must be https:\/\/<host>\/<owner>\/<repo>/,
    );
  });

  it('fails when an Alert selects by labels but names one object', () => {
    const scope = new Chart(new App(), 'c');
    const provider = Provider.githubCommitStatus(scope, 'P', { name: 'p', repositoryUrl: 'https://github.com/a/b', secretName: 't' });
    expect(() => new Alert(scope, 'A', { name: 'a', provider, eventSources: [{ kind: 'Kustomization', name: 'one', matchLabels: { a: 'b' } }] })).toThrow(
      /matchLabels' only applies with name '\*'/,
    );
  });
});
