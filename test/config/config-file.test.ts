import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../analysis/input-error';
import { BotConfigError, loadBotConfig, parseBotConfig } from '../../app/bot/config';
import { ConfigFileError } from '../../app/config/config-file';
import { readCredential } from '../../app/config/read-credential';
import { loadWatcherConfig, parseWatcherConfig, WatcherConfigError } from '../../app/watcher/config';

const dir = mkdtempSync(join(tmpdir(), 'phoenix-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 's3cr3t-value-never-printed';

/** The message of what `fn` throws. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('readCredential (the watcher and the bot)', () => {
  it('reads a variable, then <VAR>_FILE, then a file, trimmed', () => {
    const file = join(dir, 'token');
    writeFileSync(file, `${SECRET}\n`);
    expect(readCredential({ env: 'T' }, 'token', { T: ` ${SECRET}\n` })).toBe(SECRET);
    expect(readCredential({ env: 'T' }, 'token', { T_FILE: file })).toBe(SECRET);
    expect(readCredential({ file }, 'token', {})).toBe(SECRET);
  });

  it.each([
    [
      'the variable is unset',
      () => readCredential({ env: 'PHOENIX_UNSET' }, 'github.token', {}),
      /github\.token: environment variable PHOENIX_UNSET \(or PHOENIX_UNSET_FILE\) is not set/,
    ],
    ['the variable is blank', () => readCredential({ env: 'B' }, 'github.token', { B: '  ' }), /B \(or B_FILE\) is not set/],
    ['the file is missing', () => readCredential({ file: join(dir, 'absent') }, 'webhook secret', {}), /webhook secret: cannot read .*absent \(ENOENT\)/],
    [
      'the file is empty',
      () => (writeFileSync(join(dir, 'empty'), '\n'), readCredential({ file: join(dir, 'empty') }, 'webhook secret', {})),
      /webhook secret: .*empty is empty/,
    ],
  ])('fails when %s, with an input error naming where it looked', (_, read, message) => {
    const error = thrown(read);
    expect(error).toBeInstanceOf(ConfigFileError);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(message);
  });

  it('never puts the secret in a message', () => {
    const errors = [
      thrown(() => readCredential({ env: 'X' }, 'token', { Y: SECRET })),
      thrown(() =>
        parseWatcherConfig(
          `repository: { url: x }\nenvironments: { dev: { flux: { source: kubernetes }, prometheus: { bearerToken: { value: ${SECRET} } } } }\n`,
          'w.yaml',
        ),
      ),
      thrown(() => parseBotConfig(`github: { appId: 1, webhookSecret: { env: A, value: ${SECRET} } }\n`, 'b.yaml')),
    ];
    for (const error of errors) expect(error.message).not.toContain(SECRET);
  });
});

describe('the config loader (the watcher and the bot)', () => {
  it('names a missing file the same way for both', () => {
    const missing = join(dir, 'nope.yaml');
    expect(thrown(() => loadWatcherConfig(missing))).toBeInstanceOf(WatcherConfigError);
    expect(thrown(() => loadBotConfig(missing))).toBeInstanceOf(BotConfigError);
    expect(thrown(() => loadWatcherConfig(missing)).message).toBe(`${missing}: cannot read the watcher config: no such file: check the path given to --config`);
    expect(thrown(() => loadBotConfig(missing)).message).toBe(`${missing}: cannot read the bot config: no such file: check the path given to --config`);
  });

  it('reports malformed YAML and every schema problem with file:line', () => {
    expect(thrown(() => parseBotConfig('github: [\n', 'b.yaml')).message).toMatch(/^b\.yaml:\d+: malformed YAML/);
    const problems = (thrown(() => parseBotConfig('server:\n  port: "x"\ngithub:\n  appId: 1\n  webhookSecret: {}\n', 'b.yaml')) as ConfigFileError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^b\.yaml:2: server\.port: /),
        expect.stringMatching(/^b\.yaml:5: github\.webhookSecret: give exactly one of 'env' \(a variable name\) or 'file' \(a path\)/),
      ]),
    );
  });

  it('says the same thing of a credential reference in both files', () => {
    const watcher = thrown(() =>
      parseWatcherConfig('repository: { url: x }\nenvironments:\n  dev:\n    flux: { source: kubernetes }\n    prometheus:\n      bearerToken: {}\n', 'w.yaml'),
    );
    expect(watcher.message).toMatch(
      /w\.yaml:6: environments\.dev\.prometheus\.bearerToken: give exactly one of 'env' \(a variable name\) or 'file' \(a path\)/,
    );
  });
});
