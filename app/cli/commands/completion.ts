import { Argument, type Command } from 'commander';
import { bashCompletion, zshCompletion } from '../completion-script';

/** `phoenix completion bash|zsh`: prints the shell completion script for the whole command tree. */
export function register(program: Command): void {
  program
    .command('completion')
    .description('print the shell completion script (bash: source <(phoenix completion bash); zsh: source <(phoenix completion zsh))')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh']))
    .action((shell: 'bash' | 'zsh') => {
      process.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
}
