import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real smart-HTTP git server on 127.0.0.1 for tests: git's own `git http-backend` run as a CGI
 * behind a small Node server that, like GitHub, demands HTTP Basic `x-access-token:<token>` and asks
 * `authorize` whether the token may read (upload-pack) or write (receive-pack). Anything else is
 * answered 401 (no or unknown credentials), 403 (known token without the right) or 404 (a token that
 * may not see the repository).
 */

/** What the server decides for a request (`not-found`: the token may not see the repository, as GitHub answers then). */
export type GitAuthDecision = 'ok' | 'unauthorized' | 'forbidden' | 'not-found';

/** One request as the server saw it (the token itself is never recorded). */
export interface GitHttpRequest {
  readonly method: string;
  readonly path: string;
  readonly service: 'upload-pack' | 'receive-pack';
  readonly decision: GitAuthDecision;
  /** The credential's user name when one was sent. */
  readonly user?: string;
}

/** Options of {@link GitHttpServer.start}. */
export interface GitHttpServerOptions {
  /** Folder holding the bare repositories (`<root>/<owner>/<name>.git`). */
  readonly root: string;
  /** Decides a request from the token (undefined: none sent, or not as `x-access-token`). */
  readonly authorize: (token: string | undefined, service: 'upload-pack' | 'receive-pack') => GitAuthDecision;
  /**
   * Called after a push completed, before its answer is sent (so a hosting fake sees the new refs
   * before the pusher's next request, as GitHub does). @default - nothing
   */
  readonly afterPush?: (repository: string) => void;
}

export class GitHttpServer {
  readonly requests: GitHttpRequest[] = [];
  private readonly server: http.Server;

  private constructor(private readonly options: GitHttpServerOptions) {
    this.server = http.createServer((req, res) => this.serve(req, res));
  }

  static async start(options: GitHttpServerOptions): Promise<GitHttpServer> {
    const server = new GitHttpServer(options);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(0, '127.0.0.1', () => resolve());
    });
    return server;
  }

  /** The base URL (`http://127.0.0.1:PORT`). */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The clone URL of `<owner>/<name>.git` under the root. */
  url(repository: string): string {
    return `${this.baseUrl}/${repository}.git`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const service = url.searchParams.get('service') === 'git-receive-pack' || url.pathname.endsWith('/git-receive-pack') ? 'receive-pack' : 'upload-pack';
    const { user, token } = credentialsOf(req.headers.authorization);
    const decision = this.options.authorize(user === 'x-access-token' ? token : undefined, service);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, service, decision, ...(user ? { user } : {}) });
    if (decision === 'unauthorized') {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="phoenix test git"', 'content-type': 'text/plain' }).end('Authentication required\n');
      return;
    }
    if (decision === 'forbidden') {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Permission denied\n');
      return;
    }
    if (decision === 'not-found') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Repository not found\n');
      return;
    }
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_PROJECT_ROOT: this.options.root,
        GIT_HTTP_EXPORT_ALL: '1',
        GATEWAY_INTERFACE: 'CGI/1.1',
        REQUEST_METHOD: req.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
        ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
        ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
        REMOTE_USER: 'x-access-token',
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headersSent = false;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'status') status = Number(value.split(' ')[0]);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      headersSent = true;
      res.write(head.subarray(end + 4));
    });
    child.on('close', (code) => {
      if (code === 0 && service === 'receive-pack' && req.method === 'POST')
        this.options.afterPush?.(url.pathname.replace(/^\/|\.git\/git-receive-pack$/g, ''));
      if (!headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(`git http-backend exited ${code}: ${stderr}`);
      else res.end();
    });
    child.on('error', (error) => {
      if (!headersSent) res.writeHead(500).end(String(error));
    });
  }
}

function credentialsOf(header: string | undefined): { user?: string; token?: string } {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return {};
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? { user: decoded } : { user: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
}
