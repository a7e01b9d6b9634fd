import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL, OWNED_LIST, checkTree, isFresh, writeTree, environmentsScope } from '../../generators';
import { readFiles, tempDir } from './helpers';

const files = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('writeTree: a safe, owned tree', () => {
  let root: string;
  beforeEach(() => {
    root = path.join(tempDir(), 'gitops');
  });
  afterEach(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

  it("removes stale files it wrote and leaves the user's files alone", () => {
    // GIVEN a tree synth wrote, plus the user's own files beside and inside its folders
    writeTree(root, files({ 'experiments/dev/a/x.yaml': 'a\n', 'experiments/dev/b/y.yaml': 'b\n', 'clusters/dev/phoenix-experiments.yaml': 'k\n' }));
    fs.writeFileSync(path.join(root, 'experiments/dev/b/notes.md'), 'mine');
    fs.mkdirSync(path.join(root, 'clusters/dev/flux-system'), { recursive: true });
    fs.writeFileSync(path.join(root, 'clusters/dev/flux-system/gotk-sync.yaml'), 'bootstrap');
    // WHEN the next synth no longer has experiment b
    const report = writeTree(root, files({ 'experiments/dev/a/x.yaml': 'a2\n', 'clusters/dev/phoenix-experiments.yaml': 'k\n' }));
    // THEN b's generated file is gone, the user's files stay, an emptied folder is removed
    const after = readFiles(root);
    expect(after.has('experiments/dev/b/y.yaml')).toBe(false);
    expect(after.get('experiments/dev/b/notes.md')).toBe('mine');
    expect(after.get('clusters/dev/flux-system/gotk-sync.yaml')).toBe('bootstrap');
    expect(after.get('experiments/dev/a/x.yaml')).toBe('a2\n');
    expect(report).toMatchObject({ written: ['experiments/dev/a/x.yaml'], removed: ['experiments/dev/b/y.yaml'], unchanged: 1, repaired: false });
    expect(JSON.parse(after.get(OWNED_LIST)!).files).toEqual(['clusters/dev/phoenix-experiments.yaml', 'experiments/dev/a/x.yaml']);
    expect(fs.existsSync(path.join(root, '.phoenix-tmp'))).toBe(false);
  });

  it('removes an emptied folder but keeps one that holds a user file', () => {
    writeTree(root, files({ 'experiments/dev/gone/x.yaml': 'x' }));
    writeTree(root, files({}));
    expect(fs.existsSync(path.join(root, 'experiments'))).toBe(false);
  });

  it('repairs the tree an interrupted synth left behind', () => {
    // GIVEN a completed synth, then a second one killed after it moved some files into place
    writeTree(root, files({ 'experiments/dev/a/x.yaml': 'a\n' }));
    fs.writeFileSync(path.join(root, JOURNAL), JSON.stringify({ version: 1, files: ['experiments/dev/a/x.yaml', 'experiments/dev/new/y.yaml'] }));
    fs.mkdirSync(path.join(root, 'experiments/dev/new'), { recursive: true });
    fs.writeFileSync(path.join(root, 'experiments/dev/new/y.yaml'), 'half');
    fs.mkdirSync(path.join(root, '.phoenix-tmp'), { recursive: true });
    fs.writeFileSync(path.join(root, '.phoenix-tmp/0'), 'staged');
    // THEN check reports the interrupted run
    expect(checkTree(root, files({ 'experiments/dev/a/x.yaml': 'a\n' })).extra).toContain(JOURNAL);
    // WHEN the next synth runs (it no longer produces y.yaml)
    const report = writeTree(root, files({ 'experiments/dev/a/x.yaml': 'a\n' }));
    // THEN the half-written file (owned through the journal) is removed and the tree is clean
    expect(report.repaired).toBe(true);
    expect([...readFiles(root).keys()]).toEqual([OWNED_LIST, 'experiments/dev/a/x.yaml']);
    expect(isFresh(checkTree(root, files({ 'experiments/dev/a/x.yaml': 'a\n' })))).toBe(true);
  });

  it('adopts an identical unowned file but refuses to overwrite a different one', () => {
    fs.mkdirSync(path.join(root, 'clusters/dev'), { recursive: true });
    fs.writeFileSync(path.join(root, 'clusters/dev/phoenix-experiments.yaml'), 'same\n');
    expect(() => writeTree(root, files({ 'clusters/dev/phoenix-experiments.yaml': 'same\n' }))).not.toThrow();
    fs.writeFileSync(path.join(root, 'clusters/dev/phoenix-notifications.yaml'), 'hand-written\n');
    expect(() => writeTree(root, files({ 'clusters/dev/phoenix-notifications.yaml': 'generated\n', 'clusters/dev/other.yaml': 'o\n' }))).toThrow(
      /phoenix-notifications\.yaml: exists and was not written by phoenix synth/,
    );
    // nothing was written
    expect(fs.readFileSync(path.join(root, 'clusters/dev/phoenix-notifications.yaml'), 'utf8')).toBe('hand-written\n');
    expect(fs.existsSync(path.join(root, 'clusters/dev/other.yaml'))).toBe(false);
  });

  it('with a scope, removes stale files only inside it', () => {
    writeTree(root, files({ 'experiments/dev/a/x.yaml': 'a', 'experiments/prod/a/x.yaml': 'a' }));
    writeTree(root, files({}), environmentsScope(['dev']));
    expect([...readFiles(root).keys()]).toEqual([OWNED_LIST, 'experiments/prod/a/x.yaml']);
    expect(JSON.parse(readFiles(root).get(OWNED_LIST)!).files).toEqual(['experiments/prod/a/x.yaml']);
  });

  it('checkTree lists missing, changed and extra files', () => {
    writeTree(root, files({ 'a.yaml': '1', 'b.yaml': '2', 'c.yaml': '3' }));
    fs.rmSync(path.join(root, 'a.yaml'));
    const differences = checkTree(root, files({ 'a.yaml': '1', 'b.yaml': 'changed', 'd.yaml': '4' }));
    expect(differences.missing).toEqual(['a.yaml', 'd.yaml']);
    expect(differences.changed).toEqual([OWNED_LIST, 'b.yaml']);
    expect(differences.extra).toEqual(['c.yaml']);
  });

  it('fails when the output folder cannot be created, and writes nothing', () => {
    const blocker = path.join(path.dirname(root), 'a-file');
    fs.writeFileSync(blocker, 'x');
    expect(() => writeTree(path.join(blocker, 'gitops'), files({ 'a.yaml': '1' }))).toThrow(/cannot write to the output folder .*a-file\/gitops: ENOTDIR/);
  });

  it('fails when the owned list is corrupt', () => {
    writeTree(root, files({ 'a.yaml': '1' }));
    fs.writeFileSync(path.join(root, OWNED_LIST), '<<<<<<< HEAD');
    expect(() => writeTree(root, files({ 'a.yaml': '1' }))).toThrow(/\.phoenix-owned\.json: not valid JSON .*restore it from git/);
  });
});
