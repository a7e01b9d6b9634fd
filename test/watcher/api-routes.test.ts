import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { API_BASE, API_ROUTES, matchApiRoute } from '../../app/watcher/api/mount-api';
import { OPENAPI_FILE } from '../support/api-contract';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `METHOD /path` of every operation in docs/api/openapi.yaml. */
function specOperations(): string[] {
  const document = yaml.load(readFileSync(OPENAPI_FILE, 'utf8')) as { servers: Array<{ url: string }>; paths: Record<string, Record<string, unknown>> };
  expect(document.servers.map((s) => s.url)).toEqual([API_BASE]);
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe('the API routes and docs/api/openapi.yaml', () => {
  it('name the same operations: every route served is in the contract, every operation in it is served', () => {
    const served = API_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(served.length).toBeGreaterThan(0);
    expect([...served].sort()).toEqual(specOperations().sort());
  });

  it('route each path of the contract to the route of the same template, and nothing else', () => {
    for (const route of API_ROUTES) {
      const sample = route.path.replace(/\{(\w+)\}/g, (_all, name: string) => `sample-${name}`);
      expect(matchApiRoute(`${API_BASE}${sample}`)?.route, route.path).toBe(route);
    }
    for (const path of [
      '/api/v1',
      '/api/v1/',
      '/api/v1/experiments/',
      '/api/v1/experiments/a/b',
      '/api/v1/experiments/a/environments/dev',
      '/api/v2/health',
      '/api/v1/health/x',
    ]) {
      expect(matchApiRoute(path), path).toBeUndefined();
    }
    // a name with an encoded slash stays one segment
    expect(matchApiRoute('/api/v1/experiments/a%2Fb/decisions')?.segments).toEqual(['experiments', 'a/b', 'decisions']);
  });
});
