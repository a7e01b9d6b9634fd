import fs from 'node:fs';
import path from 'node:path';
import { initRepository, localGitOutput } from '../../../clients/git/local-git';
import type { Command } from 'commander';
import { ExitCode, UsageError } from '../errors';

const {
  name: PACKAGE_NAME,
  version: PACKAGE_VERSION,
  overrides: PACKAGE_OVERRIDES,
} = require('../../../package.json') as { name: string; version: string; overrides?: Record<string, string> };

/** The scaffold `phoenix init` copies: a config repository that `synth` and `check` pass. */
export const INIT_TEMPLATE_DIR = path.resolve(__dirname, '..', '..', '..', 'templates', 'init');

/** Template files whose name npm would not pack as is: `gitignore` becomes `.gitignore`. */
const RENAMED = new Map([['gitignore', '.gitignore']]);

interface InitFlags {
  readonly name?: string;
  readonly repository?: string;
  readonly branch: string;
}

/** What the scaffold fills in: the repository Flux reads, its branch, the package name. */
export interface InitSettings {
  readonly name: string;
  readonly repositoryUrl: string;
  readonly branch: string;
}

/** `phoenix init [dir]`: scaffolds a config repository that depends on this package. */
export function register(program: Command): void {
  program
    .command('init')
    .description('scaffold a config repository: environments/, an example experiment, .phoenix/, a CI workflow using the action')
    .argument('[dir]', 'folder of the new config repository (created when missing)', '.')
    .option('--repository <url>', "https URL of the config repository, which Flux reads (default: the folder's git remote 'origin')")
    .option('--branch <name>', 'branch the clusters follow', 'main')
    .option('--name <name>', 'package name written to a new package.json (default: the folder name)')
    .action((dir: string, flags: InitFlags) => {
      process.exitCode = runInit(dir, flags);
    });
}

/** One scaffolded file: where it goes and whether it was written or already there. */
export interface InitResult {
  readonly file: string;
  readonly outcome: 'written' | 'kept';
}

/**
 * Copies the template into `root`, never overwriting a file that exists (it is listed as kept),
 * and writes a package.json depending on this package when there is none. Each file appears
 * whole or not at all (written beside, then linked into place).
 */
export function scaffold(root: string, settings: InitSettings, templateDir = INIT_TEMPLATE_DIR): InitResult[] {
  const values = new Map([
    ["'__REPOSITORY_URL__'", `'${settings.repositoryUrl}'`],
    ["'__BRANCH__'", `'${settings.branch}'`],
  ]);
  const results: InitResult[] = [];
  for (const relative of listFiles(templateDir)) {
    const target = path.join(root, ...relative.split('/').map((part) => RENAMED.get(part) ?? part));
    let content = fs.readFileSync(path.join(templateDir, relative), 'utf8');
    for (const [placeholder, value] of values) content = content.split(placeholder).join(value);
    results.push({ file: path.relative(root, target), outcome: writeNew(target, content) });
  }
  const manifest = {
    name: settings.name,
    private: true,
    scripts: { synth: 'phoenix synth', check: 'phoenix check', 'synth:check': 'phoenix synth --check' },
    dependencies: { [PACKAGE_NAME]: PACKAGE_VERSION },
    // npm applies only the root project's overrides: the ones Phoenix needs on Node 20 (ADR 0002) are repeated here
    ...(PACKAGE_OVERRIDES ? { overrides: PACKAGE_OVERRIDES } : {}),
  };
  results.push({ file: 'package.json', outcome: writeNew(path.join(root, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`) });
  return results;
}

function runInit(dir: string, flags: InitFlags): number {
  const root = path.resolve(dir);
  if (fs.existsSync(root) && !fs.statSync(root).isDirectory()) throw new UsageError(`${dir} is not a folder: give the folder of the new config repository`);
  const name =
    flags.name ??
    path
      .basename(root)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-');
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) throw new UsageError(`package name '${name}' is not a valid npm name: give one with --name`);
  const repositoryUrl = flags.repository ?? originOf(root);
  if (!repositoryUrl) throw new UsageError("give the config repository's https URL with --repository (Flux reads it; no git remote 'origin' was found)");
  assertRepositoryUrl(repositoryUrl);
  if (!/^[A-Za-z0-9._/-]+$/.test(flags.branch) || flags.branch.startsWith('-')) throw new UsageError(`--branch '${flags.branch}' is not a branch name`);
  fs.mkdirSync(root, { recursive: true });
  const results = scaffold(root, { name, repositoryUrl, branch: flags.branch });
  // synth and check take their repository root from git: a new folder becomes a repository
  if (localGitOutput(['rev-parse', '--show-toplevel'], root) === undefined) {
    initRepository(root, flags.branch);
    results.push({ file: '.git/', outcome: 'written' });
  }
  for (const { file, outcome } of results) process.stdout.write(`${outcome === 'written' ? 'created' : 'kept   '}  ${file}\n`);
  const dependsOnUs = declaresDependency(path.join(root, 'package.json'));
  const shown = path.relative(process.cwd(), root) || '.';
  const steps = [
    ...(shown === '.' ? [] : [`cd ${shown}`]),
    ...(dependsOnUs ? ['npm install'] : [`npm install --save-exact ${PACKAGE_NAME}@${PACKAGE_VERSION}`]),
    'npx phoenix synth      # experiments × environments → gitops/',
    'npx phoenix check      # policies over gitops/',
    'git add -A && git commit -m "phoenix: config repository"',
  ];
  process.stdout.write(`\nnext:\n${steps.map((step) => `  ${step}`).join('\n')}\n`);
  return ExitCode.ok;
}

/** The https URL Flux reads: no credentials in it, nothing a TypeScript string literal would need escaped. */
function assertRepositoryUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.protocol !== 'https:' || !/^[A-Za-z0-9._~:/%-]+$/.test(url)) {
    throw new UsageError(
      `--repository '${url.replace(/\/\/[^@/]*@/, '//…@')}' must be the https URL of the config repository, e.g. https://github.com/OWNER/NAME`,
    );
  }
  if (parsed.username || parsed.password) throw new UsageError('--repository must not carry credentials: Flux reads them from a Secret (see docs/install.md)');
}

/** The https URL of the folder's git remote `origin`, when it has one. */
function originOf(root: string): string | undefined {
  const url = fs.existsSync(root) ? localGitOutput(['remote', 'get-url', 'origin'], root) : undefined;
  if (!url) return undefined;
  {
    const ssh = /^git@([^:]+):(.+?)(\.git)?$/.exec(url);
    const https = ssh ? `https://${ssh[1]}/${ssh[2]}` : url.replace(/\.git$/, '');
    return https.startsWith('https://') ? https : undefined;
  }
}

function declaresDependency(file: string): boolean {
  try {
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { dependencies?: object; devDependencies?: object };
    return [manifest.dependencies, manifest.devDependencies].some((deps) => deps !== null && typeof deps === 'object' && Object.hasOwn(deps, PACKAGE_NAME));
  } catch {
    return false;
  }
}

/** Writes `content` to `target` unless it exists; the file appears complete or not at all. */
function writeNew(target: string, content: string | Buffer): InitResult['outcome'] {
  if (fs.existsSync(target)) return 'kept';
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  try {
    fs.linkSync(temporary, target);
    return 'written';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'kept';
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** Every file under `dir`, as `/`-separated relative paths, sorted. */
function listFiles(dir: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFiles(dir, relative));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}
