import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkSources } from '../../../policies/engine';
import { describeObject } from '../../../policies';
import type { ReviewFinding, ReviewWaivedFinding } from './types';
import { InputError } from '../../../analysis/input-error';

/**
 * `phoenix check` over a committed tree: the policy engine runs on the files read from git (never
 * from a checkout), Flux `path` checks resolve against the commit's own file list, and the waivers
 * file is the one committed at head. Input the engine cannot read (a malformed YAML file) becomes an
 * error finding on that file, so the review still reports everything else.
 */

/** Where the head's waivers are read from (the review shows waived findings against it). */
export const WAIVERS_FILE = '.phoenix/waivers.yaml';

/** The committed files the check needs. */
export interface HeadTreeInput {
  /** Files under the tree folder: path → text. */
  readonly files: ReadonlyMap<string, string>;
  /** Every path of the commit (files and folders), for Flux `path` checks. */
  readonly allPaths: ReadonlySet<string>;
  /** Text of `.phoenix/waivers.yaml` at head. @default - no waivers */
  readonly waiversText?: string;
}

/** What the check found, and what the head's waivers suppressed. */
export interface HeadTreeResult {
  readonly findings: ReviewFinding[];
  readonly waived: ReviewWaivedFinding[];
}

/** Runs the policy engine; a checker with this signature can replace it in tests. */
export type HeadTreeChecker = (input: HeadTreeInput) => HeadTreeResult;

export const checkHeadTree: HeadTreeChecker = (input) => {
  const sources = [...input.files]
    // As `phoenix check <dir>` does: hidden files (the generator's ownership manifest) are not manifests.
    .filter(([file]) => /\.(ya?ml|json)$/i.test(file) && !file.split('/').some((segment) => segment.startsWith('.')))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, text]) => ({ file, text }));
  if (sources.length === 0) return { findings: [], waived: [] };
  // A fresh folder stands in for the repository root: it holds only the committed waivers file.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'phoenix-review-'));
  try {
    if (input.waiversText !== undefined) {
      fs.mkdirSync(path.join(root, '.phoenix'));
      fs.writeFileSync(path.join(root, '.phoenix', 'waivers.yaml'), input.waiversText);
    }
    const pathExists = (relative: string) => input.allPaths.has(relative.replace(/^\.\//, '').replace(/\/+$/, ''));
    const report = checkSources(sources, { mode: 'enforce', pathExists, repoRoot: root, baseDir: root });
    const findings = report.findings.map((finding) => ({
      ruleId: finding.ruleId,
      severity: finding.severity,
      file: finding.file,
      line: finding.line,
      column: finding.column,
      message: finding.message,
      fix: finding.fix,
    }));
    const waived = report.waived.map(({ finding, waiver }) => ({
      ruleId: finding.ruleId,
      severity: finding.severity,
      file: finding.file,
      line: finding.line,
      object: describeObject(finding.object) || '-',
      ...(finding.pointer ? { pointer: finding.pointer } : {}),
      message: finding.message,
      waiver: { reason: waiver.reason, owner: waiver.owner, expires: waiver.expires, file: WAIVERS_FILE, line: waiver.line },
    }));
    return { findings, waived };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const located = /^([^:\s]+):(\d+)(?::\d+)?:?\s*(.*)$/s.exec(error.message);
    return {
      waived: [],
      findings: [
        {
          ruleId: 'phoenix/input',
          severity: 'error',
          file: located?.[1] ?? sources[0].file,
          line: located ? Number(located[2]) : 1,
          message: located?.[3] ?? error.message,
          fix: 'make the file valid YAML (re-run phoenix synth)',
        },
      ],
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
};
