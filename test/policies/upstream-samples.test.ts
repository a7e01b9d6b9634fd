import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPaths, checkSources } from '../../policies';

const UPSTREAM = path.join(__dirname, '..', 'fixtures', 'upstream');

describe('valid upstream files', () => {
  // GIVEN the OpenTelemetry operator's v1alpha1 samples and Flux source-watcher's decomposition example
  // WHEN checked
  const report = checkPaths([UPSTREAM], { baseDir: UPSTREAM, repoRoot: UPSTREAM, waiversFile: false });
  const errorsOf = (file: string) => report.findings.filter((finding) => finding.file === file && finding.severity === 'error');

  it('accepts an OpenTelemetryCollector v1alpha1 without managementState (the CRD defaults it)', () => {
    for (const file of ['opentelemetry-operator/core_v1alpha1_opentelemetrycollector.yaml', 'opentelemetry-operator/sidecar.yaml']) {
      expect(report.documentsPerFile.get(file)).toBe(1);
      expect(errorsOf(file)).toEqual([]);
    }
  });

  it('resolves an ExternalArtifact source produced by an ArtifactGenerator in the same tree', () => {
    const file = 'flux/artifactgenerator-decomposition.yaml';
    expect(report.documentsPerFile.get(file)).toBe(3);
    expect(errorsOf(file)).toEqual([]);
  });

  it('still requires a field the CRD requires without a default', () => {
    // GIVEN the sample without its config (required, no default) WHEN checked THEN schema/valid reports it
    const text = 'apiVersion: opentelemetry.io/v1alpha1\nkind: OpenTelemetryCollector\nmetadata:\n  name: no-config\nspec:\n  mode: sidecar\n';
    const errors = checkSourcesOnce(text).filter((finding) => finding.ruleId === 'schema/valid');
    expect(errors.map((finding) => finding.message)).toEqual([expect.stringMatching(/required field 'config' is missing/)]);
  });
});

function checkSourcesOnce(text: string) {
  return checkSources([{ file: 'in.yaml', text }], { repoRoot: UPSTREAM, pathExists: () => true, waiversFile: false }).findings;
}
