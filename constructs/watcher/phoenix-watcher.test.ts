import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PHOENIX_IMAGE } from './phoenix-image';
import { PhoenixWatcher } from './phoenix-watcher';

function synth(props: Partial<ConstructorParameters<typeof PhoenixWatcher>[2]> = {}) {
  const chart = new Chart(Testing.app(), 'phoenix');
  new PhoenixWatcher(chart, 'Watcher', { image: 'ghcr.io/acme/phoenix:0.1.0', configYaml: 'repo: {}\n', ...props });
  return Testing.synth(chart) as Array<Record<string, any>>;
}

describe('PhoenixWatcher', () => {
  it('runs two non-root replicas whose credentials come from a Secret the tree does not hold', () => {
    const objects = synth();
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    const container = deployment.spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    // only keys the watcher reads: the private key (a file) and, optionally, the token its config names as GITHUB_TOKEN
    expect(container.env).toContainEqual({
      name: 'GITHUB_TOKEN',
      valueFrom: { secretKeyRef: { name: 'phoenix-github-app', key: 'github-token', optional: true } },
    });
    expect(JSON.stringify(deployment)).not.toMatch(/app-id|installation-id/);
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: 'github-app',
      secret: { secretName: 'phoenix-github-app', items: [{ key: 'private-key', path: 'private-key.pem' }] },
    });
    expect(container.ports).toEqual([{ name: 'http', containerPort: 9464 }]);
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
  });

  it('grants only what the watcher uses: read Kustomizations, get/update its own Lease', () => {
    const objects = synth({ fluxNamespaces: ['flux-system'] });
    const roles = objects.filter((o) => o.kind === 'Role');
    const leaseRole = roles.find((r) => r.metadata.namespace === 'phoenix-system')!;
    expect(leaseRole.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['phoenix-watcher'], verbs: ['get', 'update'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    ]);
    const reader = roles.find((r) => r.metadata.namespace === 'flux-system')!;
    expect(reader.rules).toEqual([{ apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ['get', 'list', 'watch'] }]);
    expect(objects.some((o) => o.kind === 'ClusterRole')).toBe(false);
  });

  it('is scraped through a ServiceMonitor on the http port', () => {
    const monitor = synth().find((o) => o.kind === 'ServiceMonitor')!;
    expect(monitor.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s' }]);
    expect(synth({ serviceMonitor: false }).some((o) => o.kind === 'ServiceMonitor')).toBe(false);
  });

  it('runs the image Phoenix publishes for this version unless told otherwise', () => {
    const chart = new Chart(Testing.app(), 'phoenix');
    new PhoenixWatcher(chart, 'Watcher', { configYaml: 'repo: {}\n' });
    const deployment = (Testing.synth(chart) as Array<Record<string, any>>).find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec.template.spec.containers[0].image).toBe(PHOENIX_IMAGE);
    expect(PHOENIX_IMAGE).toBe(`ghcr.io/phoenix-metrics/phoenix:${require('../../package.json').version}`);
  });

  it('fails when the image is not pinned', () => {
    expect(() => synth({ image: 'ghcr.io/acme/phoenix:latest' })).toThrow(/must be pinned/);
    expect(() => synth({ image: 'ghcr.io/acme/phoenix' })).toThrow(/must be pinned/);
  });

  it('fails when replicas is not a positive whole number', () => {
    expect(() => synth({ replicas: 0 })).toThrow(/'replicas' \(0\)/);
  });
});
