/**
 * Progress on stderr for commands that take more than a few seconds (`diff`, `synth`,
 * `recommend`): one line, rewritten in place with the current step and the time spent, and
 * cleared at the end. Only when stderr is a terminal: never in pipes, files, CI logs
 * (`CI` set) or when `PHOENIX_PROGRESS=0`.
 */

/** Where progress goes: stderr, or a test's stand-in. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface Progress {
  /** Shows the step now running. */
  step(message: string): void;
  /** Clears the line; later calls do nothing. */
  done(): void;
}

const SILENT: Progress = { step: () => undefined, done: () => undefined };

/** Whether progress is shown on `stream` under `env`. */
export function progressEnabled(stream: ProgressStream, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.CI && env.PHOENIX_PROGRESS !== '0';
}

/** Starts the progress line of `command`; silent unless {@link progressEnabled}. */
export function startProgress(command: string, stream: ProgressStream = process.stderr, env: NodeJS.ProcessEnv = process.env, tickMs = 1000): Progress {
  if (!progressEnabled(stream, env)) return SILENT;
  const started = Date.now();
  let current = '';
  let finished = false;
  const render = () => {
    if (!finished && current) stream.write(`\r\x1b[2Kphoenix ${command}: ${current} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  };
  const ticker = setInterval(render, tickMs);
  ticker.unref();
  return {
    step(message) {
      current = message;
      render();
    },
    done() {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      stream.write('\r\x1b[2K');
    },
  };
}

/** Runs `work` with a progress line, cleared however it ends. */
export async function withProgress<T>(command: string, work: (progress: Progress) => T | Promise<T>): Promise<T> {
  const progress = startProgress(command);
  try {
    return await work(progress);
  } finally {
    progress.done();
  }
}
