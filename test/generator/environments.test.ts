import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnvironments, selectEnvironments } from '../../environments/load-environments';
import { environmentProblems } from '../../environments/validate-environment';
import dev from '../../environments/dev';
import { tempDir } from './helpers';

describe('environments', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const folder = (files: Record<string, string>) => {
    const dir = tempDir('phoenix-env-');
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
  };

  it('loads dev, staging and prod in promotion order, with list prices as decimal strings', () => {
    const environments = loadEnvironments();
    expect(environments.map((env) => env.name)).toEqual(['dev', 'staging', 'prod']);
    expect(environments.map((env) => env.promotionOrder)).toEqual([0, 1, 2]);
    for (const env of environments) {
      expect(env.priceModel.perThousandSeriesMonth).toMatch(/^\d+\.\d+$/);
      expect(env.metrics.shadowRemoteWriteUrl).not.toBe(env.metrics.remoteWriteUrl);
    }
  });

  it('adding an environment is one file; helper modules are skipped', () => {
    const dir = folder({
      'qa.ts': `export default ${JSON.stringify({ ...dev, name: 'qa', promotionOrder: 5 })};\n`,
      'helpers.ts': 'export const x = 1;\n',
    });
    expect(loadEnvironments(dir).map((env) => env.name)).toEqual(['qa']);
  });

  it('fails when a field is invalid, naming the file and every field', () => {
    const bad = {
      ...dev,
      name: 'QA',
      priceModel: { currency: 'usd', perThousandSeriesMonth: 6.5 },
      metrics: { ...dev.metrics, shadowRemoteWriteUrl: dev.metrics.remoteWriteUrl },
    };
    const dir = folder({ 'qa.ts': `export default ${JSON.stringify(bad)};\n` });
    expect(() => loadEnvironments(dir)).toThrow(
      /qa\.ts: 'name' must be a DNS label[\s\S]*'metrics\.shadowRemoteWriteUrl' must differ[\s\S]*'priceModel\.currency' must be an ISO 4217 code[\s\S]*'priceModel\.perThousandSeriesMonth' must be a decimal string .* \(got 6\.5\)/,
    );
  });

  it('fails when two environments share a name or a promotion order', () => {
    const dir = folder({
      'a.ts': `export default ${JSON.stringify({ ...dev, name: 'a' })};\n`,
      'b.ts': `export default ${JSON.stringify({ ...dev, name: 'a' })};\n`,
    });
    expect(() => loadEnvironments(dir)).toThrow(/b\.ts: name "a" is already used by .*a\.ts[\s\S]*promotion order 0 is already used/);
  });

  it('fails when a collector limit is below its request', () => {
    expect(environmentProblems({ ...dev, collector: { memoryRequestMiB: 512, memoryLimitMiB: 256 } }, 'x.ts')).toEqual([
      "x.ts: 'collector.memoryLimitMiB' must be at least collector.memoryRequestMiB (got 256)",
    ]);
  });

  it('fails when an unknown environment is selected', () => {
    expect(() => selectEnvironments(loadEnvironments(), ['dev', 'qa'])).toThrow(/unknown environment 'qa': known environments are dev, staging, prod/);
  });
});
