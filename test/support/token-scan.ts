import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** The forms a token can leak in: raw, and base64 inside a Basic `x-access-token:` header. */
export function tokenForms(token: string): string[] {
  return [token, Buffer.from(`x-access-token:${token}`).toString('base64')];
}

/** Every file under `dir` (hidden ones and .git included) whose bytes contain `needle`, raw or base64 in a header. */
export function filesContaining(dir: string, needle: string): string[] {
  const forms = tokenForms(needle);
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const file = path.join(d, name);
      const info = statSync(file, { throwIfNoEntry: false });
      if (!info) continue;
      if (info.isDirectory()) walk(file);
      else if (info.isFile()) {
        const bytes = readFileSync(file).toString('latin1');
        if (forms.some((f) => bytes.includes(f))) hits.push(file);
      }
    }
  };
  walk(dir);
  return hits;
}

/** How many times any form of `token` occurs in `text`. */
export function occurrences(text: string, token: string): number {
  return tokenForms(token).reduce((sum, form) => sum + text.split(form).length - 1, 0);
}
