/**
 * Runs the benchmarks: every bench/*.bench.ts in turn, or only those named on the command line
 * (`npm run bench -- check`). Each exports `run(): Promise<void>` and prints its own figures.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).map((name) => name.replace(/\.bench\.ts$/, ''));
  const available = fs
    .readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.ts'))
    .map((file) => file.replace(/\.bench\.ts$/, ''))
    .sort();
  const unknown = wanted.filter((name) => !available.includes(name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`);
  for (const name of wanted.length > 0 ? wanted : available) {
    process.stdout.write(`== ${name}\n`);
    const bench = require(path.join(__dirname, `${name}.bench.ts`)) as { run: () => Promise<void> };
    await bench.run();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
