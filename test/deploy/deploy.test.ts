import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAll } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PHOENIX_IMAGE, PHOENIX_REPOSITORY } from '../../constructs/watcher/phoenix-image';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Array<{ op: string; args: string }> {
  return text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

/**
 * No container engine runs here (and hadolint is not installed): what the image is built from and
 * runs is checked instead. The packed-install test runs the same files from an installed tarball.
 */
describe('the container image (Dockerfile, .dockerignore)', () => {
  const steps = instructions(read('Dockerfile'));
  const ignored = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('is multi-stage on node:20-slim, installs production dependencies only, and runs as a numeric non-root user', () => {
    expect(steps.filter((s) => s.op === 'FROM').map((s) => s.args)).toEqual(['node:20-slim AS dependencies', 'node:20-slim']);
    expect(steps.find((s) => s.op === 'RUN' && /npm ci/.test(s.args))!.args).toMatch(/npm ci --omit=dev/);
    const user = steps.filter((s) => s.op === 'USER').at(-1)!.args;
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    // the user the generated Deployments run as
    expect(read('gitops/infrastructure/prod/deployment-phoenix-watcher.yaml')).toContain(`runAsUser: ${user.split(':')[0]}`);
    expect(read('deploy/bot/deployment.yaml')).toContain(`runAsUser: ${user.split(':')[0]}`);
  });

  it('copies only sources that exist and are not excluded from the build context, and no devDependency', () => {
    const sources = steps.filter((s) => s.op === 'COPY' && !s.args.startsWith('--from')).flatMap((s) => s.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(fs.existsSync(path.join(ROOT, source)), source).toBe(true);
      expect(
        ignored.filter((pattern) => source === pattern || source.startsWith(`${pattern}/`)),
        source,
      ).toEqual([]);
    }
    // the runtime is what the package ships (package.json "files"), docs aside
    const files = (JSON.parse(read('package.json')) as { files: string[] }).files
      .filter((f) => !f.startsWith('!') && f !== 'docs/')
      .map((f) => f.replace(/\/$/, ''));
    expect([...files].sort()).toEqual(
      [...new Set(sources.map((s) => s.replace(/\/$/, '')))].filter((s) => s !== 'package.json' && s !== 'package-lock.json').sort(),
    );
  });

  it('starts bin/phoenix, which is in the packed package and runs the CLI', () => {
    const entrypoint = JSON.parse(steps.find((s) => s.op === 'ENTRYPOINT')!.args) as string[];
    expect(entrypoint).toEqual(['node', '/app/bin/phoenix']);
    const listed = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const packed = (JSON.parse(listed) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    expect(packed).toContain('bin/phoenix');
    // the commands the Deployments run exist
    for (const command of ['watch', 'bot']) {
      const help = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'phoenix'), command, '--help'], { encoding: 'utf8' });
      expect(help.status, help.stderr).toBe(0);
    }
  });
});

describe('the CI workflow', () => {
  const workflow = parse(read('.github/workflows/ci.yml')) as {
    on: Record<string, unknown>;
    jobs: Record<
      string,
      {
        if?: string;
        needs?: string;
        steps: Array<{ id?: string; uses?: string; run?: string; with?: Record<string, unknown> }>;
        permissions?: Record<string, string>;
      }
    >;
  };

  it('runs CI on pushes and pull requests, and builds and publishes the image with provenance only on tags', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect(workflow.jobs.test!.steps.some((s) => s.run === 'bash .ci/run')).toBe(true);
    const image = workflow.jobs.image!;
    expect(image.if).toMatch(/refs\/tags\/v/);
    expect(image.needs).toBe('test');
    const build = image.steps.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
    expect(build.with).toMatchObject({ context: '.', push: true, provenance: 'mode=max', sbom: true });
    expect(image.permissions).toMatchObject({ packages: 'write', 'id-token': 'write' });
    // no organisation is written into it: the image is named after the repository it is built in,
    // which for Phoenix's own repository is the default image the constructs deploy (PHOENIX_IMAGE)
    const naming = image.steps.find((s) => s.id === 'image')!;
    const output = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-gh-output-')), 'out');
    execFileSync('bash', ['-c', naming.run!], { env: { PATH: process.env.PATH, GITHUB_REPOSITORY: PHOENIX_REPOSITORY, GITHUB_OUTPUT: output } });
    const published = fs
      .readFileSync(output, 'utf8')
      .trim()
      .replace(/^name=/, '');
    fs.rmSync(path.dirname(output), { recursive: true, force: true });
    expect(PHOENIX_IMAGE).toBe(`${published}:${require('../../package.json').version}`);
    expect(image.steps.find((s) => s.uses?.startsWith('docker/metadata-action@'))!.with!.images).toBe('${{ steps.image.outputs.name }}');
    expect(fs.existsSync(path.join(ROOT, workflow.jobs.test!.steps.find((s) => s.with?.['go-version-file'])!.with!['go-version-file'] as string))).toBe(true);
  });
});

describe('the bot as a service (deploy/bot)', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('builds with kubectl kustomize, with probes, limits, a read-only root and the Secret keys the bot reads', () => {
    // GIVEN an overlay that sets the image, as docs/install.md says
    const overlay = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-deploy-'));
    dirs.push(overlay);
    fs.writeFileSync(
      path.join(overlay, 'kustomization.yaml'),
      `resources: [${path.relative(overlay, path.join(ROOT, 'deploy', 'bot'))}]\nimages: [{ name: phoenix, newName: ghcr.io/platform-team/phoenix, newTag: "0.1.0" }]\n`,
    );
    const objects = loadAll(execFileSync('kubectl', ['kustomize', '--load-restrictor=LoadRestrictionsNone', overlay], { encoding: 'utf8' })) as Array<
      Record<string, any>
    >;
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    expect(deployment.metadata.namespace).toBe('phoenix-system');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe('ghcr.io/platform-team/phoenix:0.1.0');
    expect(container.args).toEqual(['bot', '--config', '/etc/phoenix/bot.yaml']);
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/healthz');
    expect(container.resources.limits).toMatchObject({ cpu: '1', memory: '1Gi' });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    // the ConfigMap's name (with its hash) is the one mounted
    const configMap = objects.find((o) => o.kind === 'ConfigMap')!;
    expect(deployment.spec.template.spec.volumes.find((v: any) => v.name === 'config').configMap.name).toBe(configMap.metadata.name);
    const service = objects.find((o) => o.kind === 'Service')!;
    expect(service.spec.ports[0].targetPort).toBe('http');
    expect(container.ports[0].containerPort).toBe(3000);
    // and the bot accepts its config with the Secret's files where the Deployment mounts them
    const secretDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-bot-secret-'));
    dirs.push(secretDir);
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(path.join(secretDir, 'private-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(path.join(secretDir, 'webhook-secret'), 'a-webhook-secret-of-some-length');
    const configFile = path.join(secretDir, 'bot.yaml');
    fs.writeFileSync(
      configFile,
      configMap.data['bot.yaml'].split('/var/run/secrets/phoenix/github').join(secretDir).replace('/var/lib/phoenix-bot', path.join(secretDir, 'work')),
    );
    const check = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'phoenix'), 'bot', '--config', configFile, '--check-config'], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/valid \(app 123456, 1 webhook secret\(s\)\)/);
  });

  it('the GitHub App manifest asks for what the watcher and the bot use, and nothing more', () => {
    const manifest = parse(read('app.yml')) as { default_permissions: Record<string, string>; default_events: string[]; public: boolean };
    expect(manifest.default_permissions).toEqual({
      metadata: 'read',
      contents: 'write',
      pull_requests: 'write',
      issues: 'write',
      checks: 'write',
      statuses: 'read',
    });
    expect(manifest.default_events).toEqual(['pull_request']);
    expect(manifest.public).toBe(false);
    // docs/install.md names the same permissions
    const install = read('docs/install.md');
    for (const name of ['Contents: write', 'Pull requests: write', 'Issues: write', 'Checks:\nwrite', 'Commit statuses: read', 'Metadata: read'])
      expect(install.replace(/\*\*/g, '')).toContain(name);
  });
});
