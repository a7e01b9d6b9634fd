import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { actuateDecisions } from '../../app/watcher/actuation/actuate-decisions';
import type { Decision } from '../../analysis/decide/types';
import { redactMessage } from '../../clients/git/run-git';

const TOKEN = 'ghs_16CharactersOrMoreAbCdEf0123456789';

describe('redactMessage', () => {
  it.each([
    [
      'URL user info',
      `fatal: unable to access 'https://x-access-token:${TOKEN}@github.com/acme/config.git/': 403`,
      "fatal: unable to access 'https://***@github.com/acme/config.git/': 403",
    ],
    [
      'user and password',
      'fatal: Authentication failed for https://alice:s3cret@git.example.com/config.git',
      'fatal: Authentication failed for https://***@git.example.com/config.git',
    ],
    ['a GitHub token anywhere', `remote: invalid credentials ${TOKEN} rejected`, 'remote: invalid credentials *** rejected'],
    ['a fine-grained token', 'token github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz is expired', 'token *** is expired'],
    ['an authorization header', 'http.extraheader: Authorization: Basic eC1hY2Nlc3MtdG9rZW46Z2hzXw==', 'http.extraheader: Authorization: Basic ***'],
    ['a bearer value', 'request failed: bearer abc.def.ghi', 'request failed: bearer ***'],
    [
      'a token query value',
      'GET https://git.example.com/info/refs?service=git-upload-pack&access_token=abc123 failed',
      'GET https://git.example.com/info/refs?service=git-upload-pack&access_token=*** failed',
    ],
  ])('removes %s', (_name, input, expected) => {
    expect(redactMessage(input)).toBe(expected);
  });

  it('removes the given token in any form, keeps one line and bounds its length', () => {
    expect(redactMessage('plain-secret-value leaked\nsecond line', 'plain-secret-value')).toBe('*** leaked');
    expect(redactMessage('x'.repeat(5000))).toHaveLength(501);
  });
});

describe('git errors on the way to the API', () => {
  it('reaches the actuation result (served by /api/v1/experiments) redacted', async () => {
    // GIVEN a proposal whose git step fails with a message quoting the authenticated remote
    const failing = new Proxy(
      {},
      {
        get: () => {
          throw new Error(`git push failed: https://x-access-token:${TOKEN}@github.com/acme/config.git rejected`);
        },
      },
    );
    const decision = {
      experiment: 'e',
      environment: 'prod',
      variant: 'a',
      phase: 'running',
      action: 'rollback',
      verdict: 'fail',
      standing: 'fail',
      reason: 'r',
    } as unknown as Decision;
    // WHEN the decision is acted on
    const results = await actuateDecisions([decision], { log: pino({ level: 'silent' }), contextFor: () => failing as never });
    // THEN the result says what failed, without the token
    expect(results).toHaveLength(1);
    expect(results[0].error).toContain('git push failed: https://***@github.com/acme/config.git rejected');
    expect(JSON.stringify(results)).not.toContain(TOKEN);
  });
});
