import { describe, expect, it } from 'vitest';
import { parseWatcherConfig } from '../../app/watcher/config';

const base = ['repository: { url: /tmp/none }', 'environments:', '  dev:', '    flux: { source: kubernetes }'];

describe('watcher config: the api section', () => {
  it('keeps actions off by default', () => {
    const config = parseWatcherConfig(base.join('\n'), 'watcher.yaml');
    expect(config.api.actions).toEqual({ enabled: false, ratePerMinute: 6, burst: 3 });
  });

  it('reads the token reference (never the token) and resolves a file next to the config', () => {
    const config = parseWatcherConfig(
      [...base, 'api:', '  url: http://10.0.0.7:9464', '  actions: { enabled: true, token: { file: secrets/api-token }, ratePerMinute: 12 }'].join('\n'),
      '/etc/phoenix/watcher.yaml',
    );
    expect(config.api).toEqual({
      url: 'http://10.0.0.7:9464',
      actions: { enabled: true, token: { file: '/etc/phoenix/secrets/api-token' }, ratePerMinute: 12, burst: 3 },
    });
  });

  it('fails when actions are on without a token, naming file:line and the field', () => {
    expect(() => parseWatcherConfig([...base, 'api:', '  actions:', '    enabled: true'].join('\n'), 'watcher.yaml')).toThrow(
      /^watcher\.yaml:\d+: api\.actions\.token: missing required field$/m,
    );
  });

  it('fails on a token given inline instead of by reference', () => {
    const parse = () => parseWatcherConfig([...base, 'api:', '  actions: { enabled: true, token: hunter2 }'].join('\n'), 'watcher.yaml');
    expect(parse).toThrow(/api\.actions\.token/);
    expect(parse).not.toThrow(/hunter2/);
  });
});
