import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import core from '../../constructs/collector/schemas/data/core.json';
import contrib from '../../constructs/collector/schemas/data/contrib.json';
import { COLLECTOR_CONTRIB_IMAGE, COLLECTOR_CORE_STABLE_RELEASE, COLLECTOR_RELEASE } from '../../constructs/collector/release';
import { DEFAULT_COLLECTOR_IMAGE } from '../../constructs/deployment/collector-deployment';

// One release everywhere (docs/adr/0010): the distribution Phoenix builds and validates with, its
// Go module pins, the copied schemas, the default image and the docs name the same release.

const REPO = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(REPO, file), 'utf8');

describe('the pinned collector release', () => {
  it('pins every module of the builder manifest, and the distribution version, at the release', () => {
    const manifest = parse(read('collector/builder-config.yaml')) as Record<string, unknown>;
    expect((manifest.dist as { version: string }).version).toBe(COLLECTOR_RELEASE);
    const gomods = ['receivers', 'processors', 'connectors', 'exporters', 'extensions'].flatMap((section) =>
      ((manifest[section] as Array<{ gomod: string }>) ?? []).map((c) => c.gomod),
    );
    expect(gomods.length).toBeGreaterThanOrEqual(15);
    for (const gomod of gomods) expect(gomod, gomod).toMatch(new RegExp(` v${COLLECTOR_RELEASE.replace(/\./g, '\\.')}$`));
  });

  it('builds the distribution from modules of that release only (collector/dist/go.mod)', () => {
    const gomod = read('collector/dist/go.mod');
    const requires = [
      ...gomod.matchAll(/^\s*((?:go\.opentelemetry\.io\/collector|github\.com\/open-telemetry\/opentelemetry-collector-contrib)\/\S+) (v\S+)/gm),
    ];
    expect(requires.length).toBeGreaterThan(20);
    const wrong = requires.filter(
      ([, , version]) => version !== `v${COLLECTOR_RELEASE}` && version !== `v${COLLECTOR_CORE_STABLE_RELEASE}` && !/^v0\.0\.0-/.test(version!),
    );
    // Core's unstable modules carry the release, its stable ones the stable release; nothing else
    expect(wrong.map(([, module, version]) => `${module} ${version}`)).toEqual([]);
    expect(gomod).toMatch(new RegExp(`go\\.opentelemetry\\.io/collector/otelcol v${COLLECTOR_RELEASE.replace(/\./g, '\\.')}\\b`));
  });

  it('copies the schemas of that release', () => {
    expect(core.source).toContain(`v${COLLECTOR_RELEASE} (stable modules v${COLLECTOR_CORE_STABLE_RELEASE})`);
    expect(contrib.source).toContain(`opentelemetry-collector-contrib v${COLLECTOR_RELEASE}:`);
  });

  it('deploys the contrib image of that release by default', () => {
    expect(COLLECTOR_CONTRIB_IMAGE).toBe(`otel/opentelemetry-collector-contrib:${COLLECTOR_RELEASE}`);
    expect(DEFAULT_COLLECTOR_IMAGE).toBe(COLLECTOR_CONTRIB_IMAGE);
    // THEN every collector image in the generated tree is that image (or one the author chose)
    const images = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(rel);
        else for (const m of read(rel).matchAll(/image: (otel\/opentelemetry-collector\S*)/g)) images.add(m[1]!);
      }
    };
    walk('gitops');
    expect([...images]).toEqual([COLLECTOR_CONTRIB_IMAGE]);
  });

  it('names that release in ADR 0010 and the docs, and no other', () => {
    for (const file of ['docs/adr/0010-pinned-collector-version-and-schemas.md', 'docs/collector.md']) {
      const text = read(file);
      expect(text, file).toContain(`v${COLLECTOR_RELEASE}`);
      expect(text, file).toContain(`v${COLLECTOR_CORE_STABLE_RELEASE}`);
      const targets = [...text.matchAll(/Targeted collector: \*\*([^*]+)\*\*|Phoenix targets \*\*([^*]+)\*\*/g)].map((m) => m[1] ?? m[2]);
      expect(targets.length, file).toBeGreaterThan(0);
      for (const target of targets) expect(target, file).toContain(`v${COLLECTOR_RELEASE}`);
    }
  });
});
