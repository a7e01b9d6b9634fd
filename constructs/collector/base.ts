import { cloneData } from './clone-data';
import type { CollectorComponent, ComponentKind } from './component';
import { PASS_THROUGH, type ComponentEffects } from './effects';
import { CollectorConfigError } from './errors';

const TYPE_PATTERN = /^[a-zA-Z][0-9a-zA-Z_]{0,62}$/;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** Props every factory accepts. */
export interface ComponentNameProps {
  /**
   * Second half of the component id (`type/name`), so one config can hold several
   * components of the same type.
   * @default - the id is the bare type
   */
  readonly name?: string;
}

/** Constructor input shared by the five kinds of component. */
export interface ComponentInit {
  readonly type: string;
  readonly name?: string;
  readonly config: Record<string, unknown>;
  readonly effects?: ComponentEffects;
}

/**
 * Shared implementation of the typed components. Immutable: `render()` returns a fresh
 * deep copy, so callers may change the result without touching the component.
 */
export abstract class TypedComponent implements CollectorComponent {
  abstract readonly kind: ComponentKind;
  /** The component type, e.g. `filter`. */
  readonly type: string;
  /** The `name` half of the id. @default - none */
  readonly name?: string;
  /** `type` or `type/name`. */
  readonly id: string;
  /** What the component does to the metrics flowing through it (see `ComponentEffects`). */
  readonly effects: ComponentEffects;
  private readonly config: Record<string, unknown>;

  protected constructor(init: ComponentInit) {
    this.type = init.type;
    this.name = init.name;
    this.id = init.name === undefined ? init.type : `${init.type}/${init.name}`;
    this.config = cloneData(init.config);
    this.effects = Object.freeze({ ...(init.effects ?? PASS_THROUGH) });
  }

  /** True when the component merges series. */
  get aggregates(): boolean {
    return this.effects.aggregates;
  }

  /** The component's config as the collector reads it under its id (a copy). */
  render(): Record<string, unknown> {
    return cloneData(this.config) as Record<string, unknown>;
  }
}

/**
 * Checks a component id (`type` or `type/name`) the way the collector does, and returns its
 * parts. Throws naming the id when it is malformed.
 */
export function parseComponentId(id: string, where = 'component id'): { type: string; name?: string } {
  const slash = id.indexOf('/');
  const type = slash < 0 ? id : id.slice(0, slash);
  const name = slash < 0 ? undefined : id.slice(slash + 1);
  if (!TYPE_PATTERN.test(type)) {
    throw new CollectorConfigError(`${where} '${id}': the type '${type}' must start with a letter and hold only letters, digits and '_'`);
  }
  if (name !== undefined && !/^[^\s/]+$/.test(name)) {
    throw new CollectorConfigError(`${where} '${id}': the name after '/' must be non-empty, without spaces or '/'`);
  }
  return { type, name };
}

/** Validates the optional `name` prop of a factory. */
export function checkName(factory: string, name: string | undefined): string | undefined {
  if (name !== undefined && !NAME_PATTERN.test(name)) {
    throw new CollectorConfigError(
      `${factory}: 'name' (${JSON.stringify(name)}) must start with a letter or digit and hold only letters, digits, '_', '.' and '-' (at most 63 characters)`,
    );
  }
  return name;
}

/** Go duration text for a number of seconds (`5s`, `1m30s`, `200ms`). */
export function goDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (!Number.isInteger(seconds)) return `${Math.round(seconds * 1000)}ms`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}

/** Throws unless `value` is a finite number within [min, max] (and an integer when asked). */
export function checkNumber(factory: string, field: string, value: number | undefined, opts: { min: number; max?: number; integer?: boolean }): void {
  if (value === undefined) return;
  const bad = !Number.isFinite(value) || value < opts.min || (opts.max !== undefined && value > opts.max) || (opts.integer && !Number.isInteger(value));
  if (bad) {
    const range = opts.max === undefined ? `at least ${opts.min}` : `between ${opts.min} and ${opts.max}`;
    throw new CollectorConfigError(`${factory}: '${field}' (${value}) must be ${opts.integer ? 'an integer ' : ''}${range}`);
  }
}

/** Throws unless `value` is a non-empty list of distinct non-empty strings. */
export function checkStringList(factory: string, field: string, value: readonly string[] | undefined, allowEmpty = false): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || (!allowEmpty && value.length === 0)) {
    throw new CollectorConfigError(`${factory}: '${field}' must be a non-empty list`);
  }
  const seen = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string' || item.trim() === '') {
      throw new CollectorConfigError(`${factory}: '${field}' holds an empty or non-string entry (${JSON.stringify(item)})`);
    }
    if (seen.has(item)) throw new CollectorConfigError(`${factory}: '${field}' lists '${item}' twice`);
    seen.add(item);
  }
}
