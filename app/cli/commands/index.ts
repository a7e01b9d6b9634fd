import type { Command } from 'commander';
import { register as synth } from './synth';
import { register as diff } from './diff';
import { register as review } from './review';
import { register as bot } from './bot';
import { register as check } from './check';
import { register as experiment } from './experiment';
import { register as estimate } from './estimate';
import { register as watch } from './watch';
import { register as recommend } from './recommend';
import { register as status } from './status';
import { register as init } from './init';
import { register as completion } from './completion';

/**
 * One line per subcommand: each `commands/<name>.ts` exports `register(program)`.
 * Shared option names: `-o, --output PATH`, `--format`, `--base` / `--head`, `--env NAME…`.
 */
const registrations: Array<(program: Command) => void> = [synth, diff, review, bot, check, experiment, estimate, watch, recommend, status, init, completion];

/** Adds every subcommand to the program. */
export function registerCommands(program: Command): void {
  for (const register of registrations) register(program);
}
