import { Command, CommanderError } from 'commander';
import { ExitCode, exitCodeOf } from './errors';
import { registerCommands } from './commands';

const { version } = require('../../package.json') as { version: string };

/** Builds the `phoenix` command tree; every subcommand registers itself from `commands/`. */
export function buildProgram(): Command {
  const program = new Command('phoenix')
    .description('Cut the cost of metrics without losing the signals dashboards and alerts depend on.')
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/**
 * Runs the CLI and returns its exit code instead of exiting, so tests can call it in-process.
 * User mistakes print one line per problem and never a stack trace (set PHOENIX_DEBUG=1 for one).
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
      return ExitCode.usage;
    }
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`phoenix: error: ${message}\n`);
    if (process.env.PHOENIX_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    if (code !== undefined) return code;
    process.stderr.write('phoenix: this looks like a bug in Phoenix; rerun with PHOENIX_DEBUG=1 and report the stack trace\n');
    return ExitCode.usage;
  }
}
