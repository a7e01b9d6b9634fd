import type { Command } from 'commander';

/**
 * One line per subcommand: each `commands/<name>.ts` exports `register(program)`.
 * Shared option names: `-o, --output PATH`, `--format`, `--base` / `--head`, `--env NAME…`.
 */
const registrations: Array<(program: Command) => void> = [
];

/** Adds every subcommand to the program. */
export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
