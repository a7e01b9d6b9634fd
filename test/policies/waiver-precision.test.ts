/**
 * A waiver hides exactly what it names. The shipped waiver accepts the example's deliberately
 * harmful `route-only` candidate; the README's suggested edit (dropping `http.route` from the
 * `route-status` candidate) must still fail `phoenix check`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('waiver precision', { timeout: 300_000 }, () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-waiver-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("the shipped waiver does not hide an error on route-status after the README's suggested edit", () => {
    const clone = path.join(root, 'repo');
    execFileSync('git', ['clone', '--quiet', repoRoot, clone]);
    fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    const phoenix = (...args: string[]) => spawnSync(path.join(clone, 'bin', 'phoenix'), args, { cwd: clone, encoding: 'utf8' });
    // GIVEN the committed tree passes with one finding waived
    const before = phoenix('check', '--format', 'json', 'gitops');
    expect(before.status, before.stderr).toBe(0);
    expect(JSON.parse(before.stdout).waived).toHaveLength(1);
    // WHEN route-status stops keeping http.route
    const file = path.join(clone, 'experiments', 'http-server-histograms.ts');
    const source = fs.readFileSync(file, 'utf8');
    const edited = source.replace("keep: ['http.route', 'http.response.status_code']", "keep: ['http.response.status_code']");
    expect(edited).not.toBe(source);
    fs.writeFileSync(file, edited);
    expect(phoenix('synth').status).toBe(0);
    // THEN check fails on route-status, and the waiver still covers only route-only
    const after = phoenix('check', '--format', 'json', 'gitops');
    expect(after.status).toBe(1);
    const report = JSON.parse(after.stdout);
    const errors = report.findings.filter((f: { severity: string }) => f.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((f: { pointer: string }) => f.pointer.includes('route-status'))).toBe(true);
    expect(report.waived.every((w: { finding?: { pointer: string }; pointer?: string }) => JSON.stringify(w).includes('route-only'))).toBe(true);
  });
});
