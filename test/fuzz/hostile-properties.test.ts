import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../analysis/input-error';
import { extractUsage, findRuleQueries, parsePromQL } from '../../analysis/promql';
import { createSignatureVerifier } from '../../app/bot/webhook-server';
import { CollectorPipeline } from '../../constructs/collector';
import { parseOttlCondition, parseOttlStatement } from '../../analysis/ottl';
import { checkSources } from '../../policies';

/**
 * Property-based tests over every parser that takes user input: the YAML/JSON loader of `phoenix
 * check`, PromQL usage analysis, the OTTL parser, webhook signature verification and
 * `CollectorPipeline.fromConfig`/`fromYaml`. Each runs a fixed seed and a bounded number of runs, well
 * under 10 s: no crash (every failure is a typed InputError naming where), no hang (the per-test
 * timeout), and error lines of bounded length.
 */

const SEED = 16;
const TIMEOUT_MS = 10_000;
const MAX_ERROR_LINE = 2_000;

/** Input text assembled from the tokens of a language (so runs reach deep into the parser) and noise. */
function tokens(list: readonly string[], maxLength = 40): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...list) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), { maxLength })
    .map((parts) => parts.join(''));
}

/** Runs `action`; any failure must be an InputError with a bounded message. */
function onlyInputErrors(action: () => unknown): void {
  try {
    action();
  } catch (error) {
    if (!(error instanceof InputError)) throw new Error(`not an input error: ${(error as Error)?.stack ?? String(error)}`, { cause: error });
    for (const line of error.message.split('\n')) expect(line.length).toBeLessThanOrEqual(MAX_ERROR_LINE);
  }
}

const YAML_TOKENS = [
  'apiVersion: v1\n',
  'kind: ConfigMap\n',
  'kind: Kustomization\n',
  'apiVersion: kustomize.toolkit.fluxcd.io/v1\n',
  'kind: OpenTelemetryCollector\n',
  'metadata:\n  name: x\n',
  'spec:\n',
  '  config: |\n',
  '    receivers: {otlp: {}}\n',
  'data:\n  relay: |\n    service: {pipelines: {metrics: {receivers: [a]}}}\n',
  '---\n',
  '\n',
  ' ',
  '  ',
  '- ',
  ': ',
  'a',
  'b: ',
  '&a ',
  '*a',
  '<<: *a\n',
  '[',
  ']',
  '{',
  '}',
  ',',
  '"',
  "'",
  '|',
  '>',
  '#',
  '!!binary ',
  '!tag ',
  '%YAML 1.2\n',
  '__proto__: ',
  'constructor: ',
  'toString: ',
  '\t',
  '? ',
  '...\n',
  '0x1F',
  '1e400',
  '~',
  'null',
  '2026-01-01',
];

describe('fuzz: the YAML and JSON loader of phoenix check (policies/load)', () => {
  it(
    'loads or fails with a located input error, for any YAML-like stream',
    () => {
      fc.assert(
        fc.property(tokens(YAML_TOKENS, 60), (text) => {
          onlyInputErrors(() => checkSources([{ file: 'fuzz.yaml', text }], { repoRoot: '/nonexistent', pathExists: () => true, waiversFile: false }));
        }),
        { seed: SEED, numRuns: 400 },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'loads or fails with a located input error, for any JSON-like text',
    () => {
      const json = tokens(
        [
          '{',
          '}',
          '[',
          ']',
          ',',
          ':',
          '"kind"',
          '"apiVersion"',
          '"v1"',
          '"ConfigMap"',
          '"__proto__"',
          '"metadata"',
          '{"name":"x"}',
          '1',
          'null',
          'true',
          '"',
          '\\',
          '\n',
        ],
        50,
      );
      fc.assert(
        fc.property(json, (text) => {
          onlyInputErrors(() => checkSources([{ file: 'fuzz.json', text }], { repoRoot: '/nonexistent', pathExists: () => true, waiversFile: false }));
        }),
        { seed: SEED, numRuns: 400 },
      );
    },
    TIMEOUT_MS,
  );
});

const PROMQL_TOKENS = [
  'sum',
  'rate',
  'irate',
  'histogram_quantile',
  'topk',
  'count_values',
  'label_replace',
  'absent',
  'vector',
  'scalar',
  '(',
  ')',
  '{',
  '}',
  '[5m]',
  '[1h:5m]',
  ' by ',
  ' without ',
  ' on',
  ' ignoring',
  ' group_left',
  ' bool ',
  ' offset 5m',
  ' @ 100',
  ' and ',
  ' or ',
  ' unless ',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '==',
  '!=',
  '>',
  '<=',
  ',',
  ' ',
  'up',
  'http_requests_total',
  '__name__',
  'job',
  '="a"',
  '=~"a.*"',
  '!~""',
  '!="x"',
  '"',
  '0.95',
  '1e3',
  'Inf',
  'NaN',
  '#c\n',
  '`',
  "'",
];

describe('fuzz: PromQL usage analysis (analysis/promql)', () => {
  it(
    'never throws: every parse problem is returned, and a parsed query yields its usage',
    () => {
      fc.assert(
        fc.property(tokens(PROMQL_TOKENS, 40), (text) => {
          const parsed = parsePromQL(text);
          if (parsed.ok) extractUsage(parsed.expr);
          else expect(parsed.problems.length).toBeGreaterThan(0);
        }),
        { seed: SEED, numRuns: 1_000 },
      );
    },
    TIMEOUT_MS,
  );

  it(
    'reads rule files (any YAML-like text) into queries and located problems, never a crash',
    () => {
      const rules = tokens(
        [
          'groups:\n',
          '- name: g\n',
          '  rules:\n',
          '  - alert: A\n',
          '    expr: ',
          '  - record: r\n',
          'sum(rate(x[5m]))',
          'up ==',
          '\n',
          ' ',
          '|',
          '&a ',
          '*a',
          '[',
          '{',
          '"',
          '__proto__: ',
        ],
        40,
      );
      fc.assert(
        fc.property(rules, (text) => {
          onlyInputErrors(() => findRuleQueries('rules.yaml', text));
        }),
        { seed: SEED, numRuns: 400 },
      );
    },
    TIMEOUT_MS,
  );
});

const OTTL_TOKENS = [
  'set(',
  'delete_key(',
  'keep_keys(',
  'replace_pattern(',
  'IsMatch(',
  'Concat(',
  'attributes',
  'resource.attributes',
  'metric.name',
  'datapoint.attributes',
  '["',
  '"]',
  '"',
  '\\"',
  '\\',
  ')',
  '(',
  '[',
  ']',
  '{',
  '}',
  ',',
  ' where ',
  ' == ',
  ' != ',
  ' and ',
  ' or ',
  'not ',
  'nil',
  'true',
  '1',
  '-1.5',
  '0x',
  ' ',
  'k8s.pod.name',
  '__proto__',
  'constructor',
];

describe('fuzz: the OTTL parser (constructs/collector/ottl)', () => {
  it(
    'parses or fails with an OTTL syntax error (an input error), statements and conditions',
    () => {
      fc.assert(
        fc.property(tokens(OTTL_TOKENS, 30), (text) => {
          onlyInputErrors(() => parseOttlStatement(text));
          onlyInputErrors(() => parseOttlCondition(text));
        }),
        { seed: SEED, numRuns: 1_000 },
      );
    },
    TIMEOUT_MS,
  );
});

describe('fuzz: webhook signature verification (app/bot)', () => {
  const SECRET = 'fuzz-webhook-secret';
  const sign = (payload: string) => `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`;

  it(
    'accepts exactly the payloads signed with the secret, and never throws',
    async () => {
      const verify = await createSignatureVerifier([SECRET, 'previous-secret']);
      const signature = fc.oneof(
        fc.constant(undefined),
        fc.string({ maxLength: 80 }),
        fc.stringMatching(/^sha256=[0-9a-f]{64}$/),
        fc.constantFrom('sha256=', 'sha1=abc', `sha256=${'0'.repeat(64)}`, `sha256=${'A'.repeat(64)}`),
      );
      await fc.assert(
        fc.asyncProperty(fc.string({ maxLength: 300, unit: 'binary' }), signature, fc.boolean(), async (payload, given, signed) => {
          const header = signed ? sign(payload) : given;
          // An empty body is refused even when signed (GitHub never sends one; @octokit/webhooks throws on it).
          const expected = payload !== '' && header === sign(payload);
          expect(await verify(payload, header)).toBe(expected);
        }),
        { seed: SEED, numRuns: 300 },
      );
    },
    TIMEOUT_MS,
  );
});

const KEYS = [
  'receivers',
  'processors',
  'exporters',
  'connectors',
  'extensions',
  'service',
  'pipelines',
  'metrics',
  'traces',
  'logs',
  'metrics/x',
  'foo',
  'otlp',
  'otlp/2',
  'batch',
  'debug',
  'transform',
  'filter',
  'memory_limiter',
  'forward',
  'routing',
  'protocols',
  'grpc',
  'endpoint',
  'metric_statements',
  'telemetry',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '',
];
const IDS = ['otlp', 'batch', 'debug', 'forward', 'transform', 'filter', '__proto__', 'constructor', 'metrics', ''];

describe('fuzz: CollectorPipeline.fromConfig and fromYaml (constructs/collector)', () => {
  const config = fc.object({
    key: fc.constantFrom(...KEYS),
    maxDepth: 4,
    maxKeys: 5,
    values: [
      fc.constantFrom(...IDS),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.constantFrom(...IDS), { maxLength: 4 }),
      fc.constantFrom('set(attributes["a"], "b")', 'delete_key(attributes, "x")', 'set(', '5s', 'detailed'),
    ],
  });

  it(
    'imports, validates and renders, or fails with a collector config error (an input error)',
    () => {
      fc.assert(
        fc.property(config, (value) => {
          onlyInputErrors(() => {
            const pipeline = CollectorPipeline.fromConfig(value, 'fuzz.yaml');
            pipeline.validate();
            pipeline.warnings();
            pipeline.render();
          });
        }),
        { seed: SEED, numRuns: 500 },
      );
    },
    TIMEOUT_MS,
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-fuzz-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(
    'reads any YAML-like file, or fails with a collector config error naming the file',
    () => {
      const file = path.join(dir, 'collector.yaml');
      fc.assert(
        fc.property(
          tokens(
            [
              ...YAML_TOKENS,
              'receivers:\n',
              '  otlp:\n',
              'service:\n',
              '  pipelines:\n',
              '    metrics:\n',
              '      receivers: [otlp]\n',
              '      exporters: [debug]\n',
              'exporters: {debug: {}}\n',
            ],
            50,
          ),
          (text) => {
            fs.writeFileSync(file, text);
            try {
              CollectorPipeline.fromYaml(file).validate();
            } catch (error) {
              if (!(error instanceof InputError)) throw new Error(`not an input error: ${(error as Error)?.stack ?? String(error)}`, { cause: error });
              expect(error.message).toContain('collector.yaml');
            }
          },
        ),
        { seed: SEED, numRuns: 300 },
      );
    },
    TIMEOUT_MS,
  );
});
