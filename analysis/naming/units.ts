/**
 * OpenTelemetry (UCUM) units → the words the collector's Prometheus translation appends to a
 * metric name. Same tables as the collector-contrib `pkg/translator/prometheus` package
 * (normalize_unit.go); a unit not listed is used as written, cleaned of non-alphanumerics.
 */
export const MAIN_UNIT_WORDS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

/** The denominator of a rate unit (`By/s`) → the word after `per` (`bytes_per_second`). */
export const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

/** Every word a unit can contribute to a Prometheus name (used when reading a name back). */
export const KNOWN_UNIT_WORDS: ReadonlySet<string> = new Set(
  [...Object.values(MAIN_UNIT_WORDS), ...Object.values(PER_UNIT_WORDS), 'per', 'ratio'].filter((w) => w !== ''),
);

/** Splits on every rune that is neither a letter nor a digit, dropping empty pieces. */
export function alphanumericTokens(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter((t) => t !== '');
}

/** The collector's `CleanUpString`: alphanumeric runs joined by `_`. */
export function cleanUpString(text: string): string {
  return alphanumericTokens(text).join('_');
}

/** The main part of an OTel unit as Prometheus words (`By/s` → `bytes`, `{request}` → ``). */
export function mainUnitWord(unit: string): string {
  const main = unit.split('/', 1)[0]?.trim() ?? '';
  if (main === '' || /[{}]/.test(main)) return '';
  return cleanUpString(MAIN_UNIT_WORDS[main] ?? main);
}

/** The per-part of an OTel unit as a Prometheus word (`By/s` → `second`), or ``. */
export function perUnitWord(unit: string): string {
  const slash = unit.indexOf('/');
  if (slash < 0) return '';
  const per = unit.slice(slash + 1).trim();
  if (per === '' || /[{}]/.test(per)) return '';
  return cleanUpString(PER_UNIT_WORDS[per] ?? per);
}
