import { readFileSync } from 'node:fs';
import { ConfigFileError } from './config-file';

/** Where a secret comes from: an environment variable or a file. Never the secret itself. */
export type CredentialRef = { readonly env: string } | { readonly file: string };

/**
 * Reads a secret from its reference, trimmed: the variable `env`, else the file named by
 * `<env>_FILE`; or the file `file`. A missing variable, an unreadable or empty file is a
 * {@link ConfigFileError} naming `what` and where it looked, never what it found.
 */
export function readCredential(ref: CredentialRef, what: string, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const fileVariable = `${ref.env}_FILE`;
    const value = env[ref.env] || (env[fileVariable] ? readSecretFile(env[fileVariable], what) : undefined);
    if (!value?.trim())
      throw new ConfigFileError([
        `${what}: environment variable ${ref.env} (or ${fileVariable}) is not set: set it to the ${what}, or ${fileVariable} to a file holding it`,
      ]);
    return value.trim();
  }
  return readSecretFile(ref.file, what);
}

function readSecretFile(file: string, what: string): string {
  let value: string;
  try {
    value = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigFileError([
      `${what}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}): mount the secret there or change the config`,
    ]);
  }
  if (!value) throw new ConfigFileError([`${what}: ${file} is empty: write the ${what} there`]);
  return value;
}
