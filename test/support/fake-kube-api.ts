import { KubeConfig } from '@kubernetes/client-node';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stored object of the fake API server. */
type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
};

/**
 * An in-process Kubernetes API server for namespaced custom and built-in resources under
 * `/apis/<group>/<version>/namespaces/<ns>/<resource>[/<name>]`: get, list, create (409 when it
 * exists), replace (409 on a stale resourceVersion) and delete, with a monotonically increasing
 * resourceVersion — the optimistic concurrency leader election relies on. The real
 * `@kubernetes/client-node` talks to it over HTTP on 127.0.0.1.
 */
export class FakeKubeApi {
  private readonly objects = new Map<string, KubeObject>();
  private version = 0;
  private server?: http.Server;
  /** Every request received, for assertions. */
  readonly requests: Array<{ method: string; path: string }> = [];
  /** When set, every request fails with this HTTP status (simulates the API being down). */
  failWith?: number;

  /** Starts listening on a free loopback port and returns the base URL. */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  /** Base URL of the running server. */
  get url(): string {
    const address = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  /** A KubeConfig whose current context points at this server. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'fake', token: 'fake-token' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
      currentContext: 'fake',
    });
    return kc;
  }

  /** Stores an object directly (test setup), e.g. a Flux Kustomization with its status. */
  put(group: string, version: string, resource: string, object: KubeObject): void {
    const ns = object.metadata?.namespace ?? 'default';
    const name = object.metadata?.name ?? '';
    this.objects.set(this.key(group, version, resource, ns, name), this.stamp(object));
  }

  /** Reads a stored object. */
  get(group: string, version: string, resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(this.key(group, version, resource, namespace, name));
  }

  /** Stops the server. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private key(group: string, version: string, resource: string, namespace: string, name: string): string {
    return [group, version, resource, namespace, name].join('|');
  }

  private stamp(object: KubeObject): KubeObject {
    this.version += 1;
    return { ...object, metadata: { ...object.metadata, resourceVersion: String(this.version) } };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: url.pathname });
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const status = (code: number, reason: string, message: string) =>
      send(code, { apiVersion: 'v1', kind: 'Status', status: 'Failure', code, reason, message });
    if (this.failWith) return status(this.failWith, 'InternalError', 'injected failure');
    const match = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match) return status(404, 'NotFound', `no route for ${url.pathname}`);
    const [, group, version, namespace, resource, name] = match;
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as KubeObject) : undefined;
    if (!name && method === 'GET') {
      const prefix = [group, version, resource, namespace, ''].join('|');
      const items = [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
      return send(200, { apiVersion: `${group}/${version}`, kind: 'List', metadata: { resourceVersion: String(this.version) }, items });
    }
    if (!name && method === 'POST') {
      const objectName = body?.metadata?.name ?? '';
      const key = this.key(group, version, resource, namespace, objectName);
      if (this.objects.has(key)) return status(409, 'AlreadyExists', `${resource} "${objectName}" already exists`);
      const stored = this.stamp({ ...body, metadata: { ...body?.metadata, namespace } });
      this.objects.set(key, stored);
      return send(201, stored);
    }
    const key = this.key(group, version, resource, namespace, name ?? '');
    const existing = this.objects.get(key);
    if (method === 'GET') return existing ? send(200, existing) : status(404, 'NotFound', `${resource} "${name}" not found`);
    if (method === 'PUT') {
      if (!existing) return status(404, 'NotFound', `${resource} "${name}" not found`);
      const expected = body?.metadata?.resourceVersion;
      if (expected && expected !== existing.metadata?.resourceVersion) {
        return status(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": the object has been modified`);
      }
      const stored = this.stamp({ ...body, metadata: { ...body?.metadata, namespace, name } });
      this.objects.set(key, stored);
      return send(200, stored);
    }
    if (method === 'DELETE') {
      if (!existing) return status(404, 'NotFound', `${resource} "${name}" not found`);
      this.objects.delete(key);
      return send(200, existing);
    }
    return status(405, 'MethodNotAllowed', `${method} is not supported by the fake`);
  }
}
