import * as fs from 'node:fs';
import Ajv from 'ajv';
import * as jsYaml from 'js-yaml';
import picomatch from 'picomatch';
import { PolicyInputError } from '../errors';
import { FileLocator } from '../load/locate';
import { WAIVERS_SCHEMA } from './waiver-schema';

/** One accepted exception to a rule: who, why, until when, for which objects. */
export interface Waiver {
  readonly rule: string;
  readonly selector: { readonly kind?: string; readonly namespace?: string; readonly name?: string; readonly file?: string; readonly pointer?: string };
  readonly owner: string;
  readonly reason: string;
  /** Last day (UTC, YYYY-MM-DD) the waiver applies. */
  readonly expires: string;
  /** Where the waiver is written (for findings about the waiver itself). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Compiled name and file globs. */
  readonly matchName: (name: string) => boolean;
  readonly matchFile: (file: string) => boolean;
  /** Compiled pointer glob: the field (for example the candidate's processor) the finding is about. */
  readonly matchPointer: (pointer: string) => boolean;
}

interface RawWaiver {
  rule: string;
  selector?: Waiver['selector'];
  owner: string;
  reason: string;
  expires: string;
}

let validateWaivers: ReturnType<Ajv['compile']> | undefined;

/**
 * Reads and validates a waivers file. Any problem (malformed YAML, schema violation, an impossible date,
 * an unknown rule id) is a PolicyInputError naming file:line, so a typo never silently waives nothing.
 */
export function loadWaivers(file: string, knownRules: ReadonlySet<string>, shown = file): Waiver[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyInputError(`${shown}: cannot read the waivers file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let raw: unknown;
  try {
    raw = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename: file });
  } catch (error) {
    const mark = (error as jsYaml.YAMLException).mark;
    throw new PolicyInputError(
      `${shown}:${(mark?.line ?? 0) + 1}: malformed YAML in the waivers file: ${(error as jsYaml.YAMLException).reason ?? String(error)}`,
    );
  }
  const locator = new FileLocator(text);
  const whole = { start: 0, end: text.length, startLine: 0 };
  const where = (pointer: string) => {
    const at = locator.locate(whole, pointer);
    return `${shown}:${at.line}:${at.column}`;
  };
  validateWaivers ??= new Ajv({ allErrors: true, strict: true }).compile(WAIVERS_SCHEMA);
  if (!validateWaivers(raw)) {
    const problems = (validateWaivers.errors ?? []).map((error) => {
      const detail =
        error.keyword === 'additionalProperties'
          ? `unknown field '${String(error.params.additionalProperty)}'`
          : error.keyword === 'required'
            ? `missing '${String(error.params.missingProperty)}'`
            : error.message;
      return `${where(error.instancePath)}: ${error.instancePath || 'waivers file'}: ${detail}`;
    });
    throw new PolicyInputError(
      `invalid waivers file (expected waivers: [{rule, selector: {kind, namespace, name, file}, owner, reason, expires: YYYY-MM-DD}]):\n  ${problems.join('\n  ')}`,
    );
  }
  return (raw as { waivers: RawWaiver[] }).waivers.map((waiver, index) => {
    const pointer = `/waivers/${index}`;
    if (!isRealDate(waiver.expires))
      throw new PolicyInputError(`${where(`${pointer}/expires`)}: expires '${waiver.expires}' is not a calendar date (YYYY-MM-DD)`);
    if (!knownRules.has(waiver.rule))
      throw new PolicyInputError(`${where(`${pointer}/rule`)}: unknown rule '${waiver.rule}'; run 'phoenix check --list-rules' for the ids`);
    const at = locator.locate(whole, pointer);
    const selector = waiver.selector ?? {};
    return {
      ...waiver,
      selector,
      file,
      line: at.line,
      column: at.column,
      matchName: selector.name === undefined ? () => true : picomatch(selector.name),
      matchFile: selector.file === undefined ? () => true : picomatch(selector.file),
      matchPointer: selector.pointer === undefined ? () => true : picomatch(selector.pointer, { dot: true }),
    };
  });
}

function isRealDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
