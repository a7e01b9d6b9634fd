import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../../analysis/input-error';
import { readManifests } from '../../app/watcher/repo-inputs';
import { checkSources } from '../../policies/engine';
import { createCandidateKeepsGuardrailsRule } from '../../policies/packs/guardrails/candidate-keeps-guardrails';
import { EXPERIMENT_MANIFEST_VERSION } from '../../constructs/experiment/manifest';
import { isManifestConfigMap, readExperimentManifest, readManifestsInYaml } from '../../constructs/experiment/read-manifest';

const GITOPS = join(__dirname, '..', '..', 'gitops', 'experiments');

/** The committed manifest ConfigMap of one shipped experiment, as YAML text. */
function committedManifestYaml(): { file: string; text: string } {
  const file = join(GITOPS, 'dev', 'node-cpu-by-mode', 'configmap-node-cpu-by-mode-phoenix-experiment.yaml');
  return { file, text: readFileSync(file, 'utf8') };
}

/** The same ConfigMap with its manifest changed by `edit`. */
function editedManifestYaml(edit: (manifest: Record<string, unknown>) => void): string {
  const { text } = committedManifestYaml();
  const [manifest] = readManifestsInYaml(text, 'x.yaml');
  const copy = JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>;
  edit(copy);
  return text.replace(/experiment\.json: [\s\S]*$/, `experiment.json: ${JSON.stringify(JSON.stringify(copy))}\n`);
}

describe('readExperimentManifest', () => {
  it('reads every manifest the generator committed, one per experiment and environment', () => {
    // GIVEN the committed tree
    let count = 0;
    for (const environment of readdirSync(GITOPS)) {
      for (const experiment of readdirSync(join(GITOPS, environment))) {
        const folder = join(GITOPS, environment, experiment);
        // WHEN each folder's YAML files are read
        const manifests = readdirSync(folder).flatMap((f) => readManifestsInYaml(readFileSync(join(folder, f), 'utf8'), join(folder, f)));
        // THEN each folder holds exactly its own manifest
        expect(manifests.map((m) => [m.manifestVersion, m.name, m.environment])).toEqual([[EXPERIMENT_MANIFEST_VERSION, experiment, environment]]);
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(3);
  });

  it('returns undefined for objects that are not manifest ConfigMaps', () => {
    expect(readExperimentManifest({ kind: 'ConfigMap', metadata: { name: 'x' }, data: { 'experiment.json': '{}' } }, { file: 'a.yaml' })).toBeUndefined();
    expect(readExperimentManifest({ kind: 'Secret', metadata: { labels: { 'phoenix.dev/experiment-manifest': 'true' } } }, { file: 'a.yaml' })).toBeUndefined();
    expect(isManifestConfigMap(null)).toBe(false);
  });

  it('fails when the manifestVersion is unknown, naming the file and line', () => {
    const text = `kind: Service\nmetadata: {name: s}\n---\n${editedManifestYaml((m) => (m.manifestVersion = 2))}`;
    expect(() => readManifestsInYaml(text, 'gitops/experiments/dev/x/cm.yaml')).toThrow(InputError);
    expect(() => readManifestsInYaml(text, 'gitops/experiments/dev/x/cm.yaml')).toThrow(
      /^gitops\/experiments\/dev\/x\/cm\.yaml:4: experiment manifest \(data\.experiment\.json\) has manifestVersion 2, and this Phoenix reads version 1/,
    );
  });

  it.each([
    ['the manifest is not JSON', (t: string) => t.replace(/experiment\.json: .*$/s, 'experiment.json: "{not json"\n'), /is not JSON/],
    ['a field every reader needs is missing', () => editedManifestYaml((m) => delete m.variants), /has no valid 'variants'/],
    ['a guardrail has no expr', () => editedManifestYaml((m) => ((m.guardrails as { queries: unknown[] }).queries = [{ name: 'x' }])), /'guardrails\.queries'/],
    ['the manifest has no version', () => editedManifestYaml((m) => delete m.manifestVersion), /has manifestVersion undefined/],
  ])('fails when %s', (_, make, message) => {
    const text = make(committedManifestYaml().text);
    expect(() => readManifestsInYaml(text, 'cm.yaml')).toThrow(message);
  });
});

describe('the readers of manifests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phoenix-manifest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the watcher fails on a manifest of another version, naming the file', () => {
    // GIVEN an environment folder with one manifest of version 2
    mkdirSync(join(dir, 'dev', 'x'), { recursive: true });
    const file = join(dir, 'dev', 'x', 'cm.yaml');
    writeFileSync(
      file,
      editedManifestYaml((m) => (m.manifestVersion = 2)),
    );
    // WHEN the watcher reads the folder THEN it stops with an input error naming the file
    expect(() => readManifests(join(dir, 'dev'))).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: .*manifestVersion 2`));
  });

  it('the policy reports a manifest of another version as an error finding on its data', () => {
    // GIVEN a manifest of version 2 beside other documents
    const text = `${stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: { a: 'b' } })}---\n${editedManifestYaml((m) => (m.manifestVersion = 2))}`;
    // WHEN the guardrails rule checks it
    const report = checkSources([{ file: 'gitops/experiments/dev/x/cm.yaml', text }], {
      rules: [createCandidateKeepsGuardrailsRule(() => undefined)],
      waiversFile: false,
    });
    // THEN one error names the version, at the manifest's data line
    expect(report.findings, JSON.stringify(report.findings, null, 1)).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({ ruleId: 'guardrails/candidate-keeps-answers', severity: 'error', file: 'gitops/experiments/dev/x/cm.yaml' });
    expect(report.findings[0]!.message).toMatch(/guardrails cannot be checked: experiment manifest \(data\.experiment\.json\) has manifestVersion 2/);
    expect(report.findings[0]!.line).toBeGreaterThan(5);
  });
});
