import { describe, expect, it } from 'vitest';
import { lifecycleFor, parseExperimentState, serializeExperimentState, withLifecycle } from './state';
import { InputError } from '../../analysis/input-error';

const RUNNING_AND_PROMOTED = `version: 1
environments:
  staging:
    phase: running
    since: "2026-11-20T10:00:00Z"
  dev:
    phase: promoted
    variant: keep-route
    reason: 6 passing windows
    decisionRecord: experiments/decisions/http-histograms-dev.md
    since: "2026-11-18T09:30:00Z"
    frozenSaving:
      seriesBefore: 12000
      seriesAfter: 3100
      monthlySaving: "54.50"
      currency: USD
`;

describe('parseExperimentState', () => {
  it('reads each environment lifecycle', () => {
    // GIVEN a state file with two environments WHEN parsed
    const state = parseExperimentState(RUNNING_AND_PROMOTED, 'experiments/x.state.yaml');
    // THEN
    expect(state.version).toBe(1);
    expect(state.environments.dev.phase).toBe('promoted');
    expect(state.environments.dev.variant).toBe('keep-route');
    expect(state.environments.dev.frozenSaving?.monthlySaving).toBe('54.50');
    expect(state.environments.staging.phase).toBe('running');
  });

  it('migrates an unversioned file (environments at the top level) to version 1', () => {
    const state = parseExperimentState('prod:\n  phase: paused\n  reason: noisy neighbour\n', 'old.state.yaml');
    expect(state).toEqual({ version: 1, environments: { prod: { phase: 'paused', reason: 'noisy neighbour' } } });
  });

  it('fails when a phase is unknown, naming file, line and field', () => {
    const text = 'version: 1\nenvironments:\n  dev:\n    phase: active\n';
    expect(() => parseExperimentState(text, 'experiments/x.state.yaml')).toThrow(
      /^experiments\/x\.state\.yaml:4: environments\.dev\.phase: must be one of "pending", "running", "paused", "promoted", "rolled-back" \(got "active"\)$/,
    );
  });

  it('fails when an unversioned file has an unknown phase, pointing at its own line', () => {
    expect(() => parseExperimentState('dev:\n  phase: started\n', 'old.state.yaml')).toThrow(/^old\.state\.yaml:2: environments\.dev\.phase: must be one of/);
  });

  it('fails when a promoted environment does not name its variant', () => {
    const text = 'version: 1\nenvironments:\n  prod:\n    phase: promoted\n';
    expect(() => parseExperimentState(text, 's.yaml')).toThrow(/^s\.yaml:3: environments\.prod\.variant: missing required field \(a promoted environment/);
  });

  it('fails when a field is misspelt', () => {
    const text = 'version: 1\nenvironments:\n  prod:\n    phase: running\n    reson: typo\n';
    expect(() => parseExperimentState(text, 's.yaml')).toThrow(/^s\.yaml:5: environments\.prod\.reson: unknown field/);
  });

  it('fails when since is not a date-time', () => {
    const text = 'version: 1\nenvironments:\n  prod:\n    phase: running\n    since: yesterday\n';
    expect(() => parseExperimentState(text, 's.yaml')).toThrow(/^s\.yaml:5: environments\.prod\.since: must be an ISO-8601 date-time/);
  });

  it('fails when the YAML is malformed', () => {
    expect(() => parseExperimentState('version: 1\nenvironments:\n  dev: [phase: running\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+: malformed YAML/);
  });

  it('fails when a key is duplicated', () => {
    expect(() => parseExperimentState('version: 1\nversion: 1\nenvironments: {}\n', 'dup.yaml')).toThrow(/^dup\.yaml:2: malformed YAML: .*unique/i);
  });

  it('fails when the file was written by a newer version', () => {
    expect(() => parseExperimentState('version: 7\nenvironments: {}\n', 'new.yaml')).toThrow(/new\.yaml: version: 7 was written by a newer Phoenix/);
  });

  it('fails when the file is empty or not a mapping', () => {
    expect(() => parseExperimentState('', 'e.yaml')).toThrow(/e\.yaml:1: the file is empty/);
    expect(() => parseExperimentState('- dev\n', 'l.yaml')).toThrow(/l\.yaml:1: the file must be a mapping/);
  });

  it('fails when an environment is not one of the known ones', () => {
    const text = 'version: 1\nenvironments:\n  dev:\n    phase: running\n  prdo:\n    phase: running\n';
    expect(() => parseExperimentState(text, 's.yaml', ['dev', 'staging', 'prod'])).toThrow(
      /^s\.yaml:5: environments\.prdo: unknown environment \(known: dev, staging, prod\)$/,
    );
    expect(parseExperimentState(text, 's.yaml').environments.prdo.phase).toBe('running');
  });

  it('reports every problem at once, each with its line', () => {
    const text = 'version: 1\nenvironments:\n  dev:\n    phase: nope\n  prod:\n    phase: running\n    since: never\n';
    try {
      parseExperimentState(text, 's.yaml');
      expect.unreachable();
    } catch (error) {
      expect((error as { problems: string[] }).problems).toHaveLength(2);
      expect(error).toBeInstanceOf(InputError);
    }
  });
});

describe('serializeExperimentState', () => {
  it('is deterministic: sorted environments, fixed field order, round-trips', () => {
    const state = parseExperimentState(RUNNING_AND_PROMOTED, 'x.yaml');
    const text = serializeExperimentState(state);
    expect(text.indexOf('  dev:')).toBeLessThan(text.indexOf('  staging:'));
    expect(text).toContain('monthlySaving: "54.50"');
    expect(parseExperimentState(text, 'x.yaml')).toEqual(state);
    expect(serializeExperimentState(parseExperimentState(text, 'x.yaml'))).toBe(text);
  });

  it('writes the current version for a migrated file', () => {
    const text = serializeExperimentState(parseExperimentState('dev:\n  phase: running\n', 'old.yaml'));
    expect(text).toBe('version: 1\nenvironments:\n  dev:\n    phase: running\n');
  });
});

describe('lifecycleFor', () => {
  it('is pending for an environment the file does not list', () => {
    const state = parseExperimentState(RUNNING_AND_PROMOTED, 'x.yaml');
    expect(lifecycleFor(state, 'prod')).toEqual({ phase: 'pending' });
    expect(lifecycleFor(undefined, 'prod')).toEqual({ phase: 'pending' });
    expect(lifecycleFor(state, 'staging').phase).toBe('running');
  });

  it('withLifecycle replaces one environment and leaves the input untouched', () => {
    const state = parseExperimentState(RUNNING_AND_PROMOTED, 'x.yaml');
    const next = withLifecycle(state, 'staging', { phase: 'rolled-back', reason: 'p99 guardrail failed 3 windows' });
    expect(next.environments.staging.phase).toBe('rolled-back');
    expect(state.environments.staging.phase).toBe('running');
    expect(next.environments.dev).toBe(state.environments.dev);
  });
});
