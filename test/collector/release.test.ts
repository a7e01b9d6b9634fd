/**
 * One collector release everywhere: the distribution Phoenix builds and validates with, the image
 * it deploys, and the docs name the same release. A drift in any of them fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COLLECTOR_CONTRIB_IMAGE, COLLECTOR_CORE_STABLE_RELEASE, COLLECTOR_RELEASE } from '../../constructs/collector/release';
import { DEFAULT_COLLECTOR_IMAGE } from '../../constructs/deployment/collector-deployment';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

describe('the pinned collector release', () => {
  it('the builder manifest pins every module at the release', () => {
    const manifest = parse(read('collector/builder-config.yaml'));
    expect(manifest.dist.version).toBe(COLLECTOR_RELEASE);
    const modules = ['receivers', 'processors', 'exporters', 'connectors', 'extensions'].flatMap((kind) => (manifest[kind] ?? []).map((m: { gomod: string }) => m.gomod));
    expect(modules.length).toBeGreaterThanOrEqual(15);
    for (const gomod of modules) expect(gomod, gomod).toMatch(new RegExp(` v${COLLECTOR_RELEASE.replace(/\./g, '\\.')}$`));
  });

  it('the generated go.mod requires collector modules only at the release (or its stable core pair)', () => {
    const requires = [...read('collector/dist/go.mod').matchAll(/^\s*((?:go\.opentelemetry\.io\/collector|github\.com\/open-telemetry\/opentelemetry-collector-contrib)\S*) (v\S+)/gm)];
    expect(requires.length).toBeGreaterThan(30);
    const allowed = new Set([`v${COLLECTOR_RELEASE}`, `v${COLLECTOR_CORE_STABLE_RELEASE}`]);
    const strays = requires.filter(([, module, version]) => !allowed.has(version!) && !/\/(pdata\/pprofile|featuregate|semconv|otel)\b/.test(module!)).map(([, m, v]) => `${m} ${v}`);
    expect(strays.filter((line) => /\/(receiver|processor|exporter|connector|extension)\//.test(line))).toEqual([]);
  });

  it('deploys the contrib image of the same release', () => {
    expect(DEFAULT_COLLECTOR_IMAGE).toBe(COLLECTOR_CONTRIB_IMAGE);
    expect(COLLECTOR_CONTRIB_IMAGE).toBe(`otel/opentelemetry-collector-contrib:${COLLECTOR_RELEASE}`);
    const rendered = fs.readdirSync(path.join(root, 'gitops', 'experiments', 'dev')).flatMap((experiment) =>
      fs.readdirSync(path.join(root, 'gitops', 'experiments', 'dev', experiment)).map((file) => read(path.join('gitops', 'experiments', 'dev', experiment, file))),
    );
    const images = rendered.flatMap((text) => [...text.matchAll(/image: (otel\/opentelemetry-collector\S*)/g)].map((m) => m[1]));
    expect(images.length).toBeGreaterThan(0);
    expect(new Set(images)).toEqual(new Set([COLLECTOR_CONTRIB_IMAGE]));
  });

  it('ADR 0010 and the collector guide name the release', () => {
    expect(read('docs/adr/0010-pinned-collector-version-and-schemas.md')).toContain(`v${COLLECTOR_RELEASE}`);
    expect(read('docs/collector.md')).toContain(`v${COLLECTOR_RELEASE}`);
  });
});
