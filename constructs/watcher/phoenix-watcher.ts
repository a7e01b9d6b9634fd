import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PHOENIX_IMAGE } from './phoenix-image';

/** Props of {@link PhoenixWatcher}. */
export interface PhoenixWatcherProps {
  /** Namespace the watcher runs in. @default 'phoenix-system' */
  readonly namespace?: string;
  /**
   * Container image, pinned by tag or digest (never `latest`).
   * @default - the image Phoenix's release workflow publishes for this version (`ghcr.io/<Phoenix's repository>:<version>`, see phoenix-image.ts)
   */
  readonly image?: string;
  /** Replicas; only the holder of the Lease acts, so two are safe. @default 2 */
  readonly replicas?: number;
  /** The watcher's config file content (YAML), mounted at /etc/phoenix/watcher.yaml. */
  readonly configYaml: string;
  /**
   * Secret holding the GitHub App's private key (key `private-key`) and optionally a token for Flux's
   * commit statuses (key `github-token`, as `GITHUB_TOKEN`),
   * created out of band or SOPS-encrypted for Flux to decrypt; the tree never holds its data.
   * @default 'phoenix-github-app'
   */
  readonly githubAppSecretName?: string;
  /** Namespaces whose Flux Kustomizations the watcher reads. @default ['flux-system'] */
  readonly fluxNamespaces?: readonly string[];
  /** HTTP port of /metrics, /healthz, /readyz, the API and the status page (the watcher's own default). @default 9464 */
  readonly port?: number;
  /** Emit a Prometheus-operator ServiceMonitor. @default true */
  readonly serviceMonitor?: boolean;
}

const NAME = 'phoenix-watcher';

/**
 * Deploys the watcher itself: ServiceAccount with least-privilege RBAC (read Flux Kustomizations;
 * get/update its own Lease, create Leases), a ConfigMap with its config, a Deployment (non-root,
 * read-only root filesystem, probes, credentials referenced from a Secret), a Service and a
 * ServiceMonitor. Construct ids are a contract: renaming one renames a Kubernetes object.
 */
export class PhoenixWatcher extends Construct {
  /** Namespace the watcher runs in. */
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: PhoenixWatcherProps) {
    super(scope, id);
    const image = props.image ?? PHOENIX_IMAGE;
    if (/:latest$|^[^:@]+$/.test(image)) {
      throw new Error(`PhoenixWatcher 'image' (${image}) must be pinned by a tag other than 'latest' or by a digest`);
    }
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`PhoenixWatcher 'replicas' (${replicas}) must be a whole number of at least 1`);
    this.namespace = props.namespace ?? 'phoenix-system';
    const namespace = this.namespace;
    const port = props.port ?? 9464;
    const secret = props.githubAppSecretName ?? 'phoenix-github-app';
    const labels = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/part-of': 'phoenix' };
    const metadata = { name: NAME, namespace, labels };

    new ApiObject(this, 'ServiceAccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata });
    new ApiObject(this, 'LeaseRole', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata,
      rules: [
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [NAME], verbs: ['get', 'update'] },
        // `create` cannot be limited by name: Kubernetes does not know the name before the object exists.
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      ],
    });
    new ApiObject(this, 'LeaseRoleBinding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAME },
      subjects: [{ kind: 'ServiceAccount', name: NAME, namespace }],
    });
    for (const fluxNamespace of props.fluxNamespaces ?? ['flux-system']) {
      const readMetadata = { name: `${NAME}-read-kustomizations`, namespace: fluxNamespace, labels };
      new ApiObject(this, `KustomizationReader-${fluxNamespace}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: readMetadata,
        rules: [{ apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ['get', 'list', 'watch'] }],
      });
      new ApiObject(this, `KustomizationReaderBinding-${fluxNamespace}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: readMetadata,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: readMetadata.name },
        subjects: [{ kind: 'ServiceAccount', name: NAME, namespace }],
      });
    }
    new ApiObject(this, 'Config', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { ...metadata, annotations: { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } },
      data: { 'watcher.yaml': props.configYaml },
    });
    // The App id and installation id are in watcher.yaml (not secrets); the Secret holds the private key and,
    // optionally, a token for reading Flux's commit statuses (`token: { env: GITHUB_TOKEN }` in watcher.yaml).
    const optionalSecretEnv = (name: string, key: string) => ({ name, valueFrom: { secretKeyRef: { name: secret, key, optional: true } } });
    new ApiObject(this, 'Deployment', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: NAME,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'watcher',
                image,
                args: ['watch', '--config', '/etc/phoenix/watcher.yaml'],
                ports: [{ name: 'http', containerPort: port }],
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  { name: 'PHOENIX_LEASE_NAMESPACE', value: namespace },
                  optionalSecretEnv('GITHUB_TOKEN', 'github-token'),
                ],
                resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
                volumeMounts: [
                  { name: 'config', mountPath: '/etc/phoenix', readOnly: true },
                  { name: 'github-app', mountPath: '/var/run/secrets/phoenix/github', readOnly: true },
                  { name: 'work', mountPath: '/var/lib/phoenix' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'config', configMap: { name: NAME } },
              { name: 'github-app', secret: { secretName: secret, items: [{ key: 'private-key', path: 'private-key.pem' }] } },
              { name: 'work', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    });
    new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: { selector: labels, ports: [{ name: 'http', port, targetPort: 'http' }] },
    });
    if (props.serviceMonitor ?? true) {
      new ApiObject(this, 'ServiceMonitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata,
        spec: { selector: { matchLabels: labels }, endpoints: [{ port: 'http', path: '/metrics', interval: '30s' }] },
      });
    }
  }
}
