import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A temporary git repository with the given files (path → content), nothing committed. */
export function tempTree(files: Record<string, string | Buffer>): string {
  const root = tempFolder(files);
  execFileSync('git', ['init', '--quiet', root]);
  return root;
}

/** A temporary folder outside any git repository, with the given files (path → content). */
export function tempFolder(files: Record<string, string | Buffer>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-policies-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

/** A Flux Kustomization document. */
export function kustomization(name: string, fields = 'prune: true'): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  ${fields}
  sourceRef:
    kind: GitRepository
    name: config
`;
}

/** The GitRepository the Kustomizations above refer to. */
export const GIT_REPOSITORY = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: config
  namespace: flux-system
spec:
  interval: 1m
  url: https://git.example.com/config.git
`;
