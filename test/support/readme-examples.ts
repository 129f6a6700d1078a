/**
 * The generated examples of the README and docs/, made by the commands themselves from the main
 * example (examples/shop): the `switchyard status` table, the `switchyard graph` diagram (all tiers,
 * and prod alone), the `switchyard metrics` table at a fixed end of the window, its chart
 * (docs/dora.svg), the deploy-prod job of the generated GitHub deploy workflow, and `switchyard help`.
 *
 * Each block lives in one of the documentation files (README.md, CONTRIBUTING.md, docs/*.md), between
 * `<!-- readme-examples: NAME (npm run readme) -->` and `<!-- /readme-examples: NAME -->`.
 * `npm run readme` rewrites every block in the file that holds it, and docs/dora.svg;
 * test/readme-examples.test.ts fails when one is stale, missing or given twice.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { shop } from '../../examples/shop/shop';
import { App } from '../../lib';
import { buildModel } from '../../lib/exports/model';
import { CliIo } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';
import { pipelineCommand } from '../../lib/cli/pipeline';

/** The end of the metrics window in docs/pipelines.md: the figures do not change with the day it is run. */
export const METRICS_UNTIL = '2026-11-23T12:00:00Z';
/** The metrics command of docs/pipelines.md, as typed. */
export const METRICS_ARGS = ['--until', METRICS_UNTIL, '--svg', 'docs/dora.svg'];
/** The steps every job starts with, left out of the excerpt in docs/pipelines.md. */
const SETUP_STEPS = ['Set up Node.js', 'Set up Terraform', 'Install packages'];

/** The names of the generated blocks. */
export const BLOCK_NAMES = ['deploy-prod', 'graph', 'graph-prod', 'help', 'metrics', 'status'] as const;

/** The generated parts of the documentation, by marker name, and the chart. */
export interface ReadmeExamples {
  readonly blocks: Readonly<Record<(typeof BLOCK_NAMES)[number], string>>;
  readonly svg: string;
}

/** The documentation files that may hold generated blocks, relative to the root: README.md, CONTRIBUTING.md, docs/*.md. */
export function docFiles(root = path.join(__dirname, '../..')): string[] {
  const docs = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
  return ['README.md', 'CONTRIBUTING.md', ...docs].filter((f) => fs.existsSync(path.join(root, f)));
}

/** An io that records what a command prints. */
function recording(cwd: string): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, cwd, now: () => new Date(), out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

/**
 * The deploy-prod job of a deploy workflow, with its comment, the setup steps shortened to a
 * comment line.
 */
export function deployExcerpt(workflow: string, job = 'deploy-prod'): string {
  const lines = workflow.split('\n');
  const at = lines.indexOf(`  ${job}:`);
  if (at < 0) throw new Error(`no job ${job} in the workflow`);
  let start = at;
  while (lines[start - 1].startsWith('  # ')) start--;
  // The job ends where the next key (or the comment before it) of the jobs map starts.
  let end = lines.findIndex((l, i) => i > at && /^ {2}\S/.test(l));
  if (end < 0) end = lines.length;
  while (lines[end - 1] === '') end--;
  const out: string[] = [];
  let skipping = false;
  let shortened = false;
  for (const l of lines.slice(start, end)) {
    const step = l.match(/^ {6}- name: (.*)$/);
    if (step) {
      skipping = SETUP_STEPS.includes(step[1]);
      if (skipping && !shortened) {
        out.push(`      # ... ${SETUP_STEPS.join(', ')}: as in every job ...`);
        shortened = true;
      }
    }
    if (!skipping) out.push(l);
  }
  return out.join('\n');
}

/** Runs the commands in a copy of the project (the model as a synth writes it, the ledger) and collects what they give. */
export function readmeExamples(root = path.join(__dirname, '../..')): ReadmeExamples {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-readme-'));
  try {
    const app = new App({ outdir: path.join(dir, 'cdktf.out') });
    shop(app);
    const model = buildModel(app);
    // Ledger paths as a synth in the project folder names them.
    const apps = model.apps.map((a) => ({ ...a, ledger: path.relative(root, path.resolve(process.cwd(), a.ledger)).split(path.sep).join('/') }));
    fs.mkdirSync(path.join(dir, 'cdktf.out'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cdktf.out', 'switchyard.json'), JSON.stringify({ ...model, apps }));
    for (const a of apps) {
      fs.mkdirSync(path.dirname(path.join(dir, a.ledger)), { recursive: true });
      fs.copyFileSync(path.join(root, a.ledger), path.join(dir, a.ledger));
    }
    // In a process of its own, as users run it: the chart's renderer is an ES module that a jest worker cannot import.
    const drawn = spawnSync(process.execPath, ['--require', path.join(root, 'examples/register.js'), path.join(root, 'lib/cli/main.ts'), 'metrics', ...METRICS_ARGS], { cwd: dir, encoding: 'utf8' });
    if (drawn.status !== 0) throw new Error(`switchyard metrics failed: ${drawn.stderr}`);
    const metrics = { lines: drawn.stdout.replace(/\n$/, '').split('\n') };
    const pipeline = recording(dir);
    if (pipelineCommand(['github'], pipeline) !== 0) throw new Error(`switchyard pipeline failed: ${pipeline.errors.join('\n')}`);
    const workflow = fs.readFileSync(path.join(dir, '.github/workflows/switchyard-deploy.yml'), 'utf8');
    // The graph from the project folder, where the model names the ledger; the status as docs/releases.md's
    // steps run it, with the example's ledger kept as releases.json.
    const graph = recording(dir);
    if (main(['graph'], graph) !== 0) throw new Error(`switchyard graph failed: ${graph.errors.join('\n')}`);
    const graphProd = recording(dir);
    if (main(['graph', '--tier', 'prod'], graphProd) !== 0) throw new Error(`switchyard graph --tier prod failed: ${graphProd.errors.join('\n')}`);
    const help = recording(dir);
    if (main(['help'], help) !== 0) throw new Error(`switchyard help failed: ${help.errors.join('\n')}`);
    for (const a of apps) fs.copyFileSync(path.join(root, a.ledger), path.join(dir, 'releases.json'));
    const status = recording(dir);
    if (main(['status'], status) !== 0) throw new Error(`switchyard status failed: ${status.errors.join('\n')}`);
    return {
      blocks: {
        status: ['```', ...status.lines, '```'].join('\n'),
        graph: ['```mermaid', ...graph.lines, '```'].join('\n'),
        'graph-prod': ['```mermaid', ...graphProd.lines, '```'].join('\n'),
        help: ['```', ...help.lines, '```'].join('\n'),
        metrics: ['```sh', `npx switchyard metrics ${METRICS_ARGS.join(' ')}`, '```', '', '```', ...metrics.lines, '```'].join('\n'),
        'deploy-prod': ['```yaml', deployExcerpt(workflow), '```'].join('\n'),
      },
      svg: fs.readFileSync(path.join(dir, 'docs/dora.svg'), 'utf8'),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const open = (name: string) => `<!-- readme-examples: ${name} (npm run readme) -->`;
const close = (name: string) => `<!-- /readme-examples: ${name} -->`;

/** The generated blocks of a README, by name (the text between the markers, without them). */
export function readmeBlocks(readme: string): Record<string, string> {
  const blocks: Record<string, string> = {};
  for (const m of readme.matchAll(/<!-- readme-examples: ([\w-]+) \(npm run readme\) -->\n([\s\S]*?)\n<!-- \/readme-examples: \1 -->/g)) {
    blocks[m[1]] = m[2];
  }
  return blocks;
}

/** A documentation file's text with its generated blocks replaced (`file` names it in the error). */
export function withBlocks(text: string, blocks: Readonly<Record<string, string>>, file = 'README.md'): string {
  let out = text;
  for (const [name, body] of Object.entries(blocks)) {
    const a = out.indexOf(open(name));
    const b = out.indexOf(close(name));
    if (a < 0 || b < a) throw new Error(`${file} has no block ${open(name)} ... ${close(name)}`);
    out = `${out.slice(0, a)}${open(name)}\n${body}\n${out.slice(b)}`;
  }
  return out;
}

/**
 * Which file holds each block (the opening marker), by name: every name of `names` in exactly one
 * file, once; else an error that names the block and the files.
 */
export function blockHomes(texts: Readonly<Record<string, string>>, names: readonly string[] = BLOCK_NAMES): Record<string, string> {
  const homes: Record<string, string> = {};
  const problems: string[] = [];
  for (const name of names) {
    const where = Object.entries(texts).flatMap(([file, text]) => Array(text.split(open(name)).length - 1).fill(file));
    if (where.length === 1) homes[name] = where[0];
    else problems.push(`block ${name} is ${where.length === 0 ? 'in no documentation file' : `given ${where.length} times (${where.join(', ')})`}`);
  }
  for (const [file, text] of Object.entries(texts)) {
    for (const m of text.matchAll(/^<!-- readme-examples: ([\w-]+) \(npm run readme\) -->$/gm)) {
      if (!names.includes(m[1])) problems.push(`${file} has a block ${m[1]}, which npm run readme does not make`);
    }
  }
  if (problems.length > 0) throw new Error(`generated blocks: ${problems.join('; ')}`);
  return homes;
}

if (require.main === module) {
  const root = path.join(__dirname, '../..');
  const examples = readmeExamples(root);
  const texts = Object.fromEntries(docFiles(root).map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]));
  const homes = blockHomes(texts);
  const written: string[] = [];
  for (const file of Object.keys(texts)) {
    const mine = Object.fromEntries(Object.entries(examples.blocks).filter(([name]) => homes[name] === file));
    if (Object.keys(mine).length === 0) continue;
    fs.writeFileSync(path.join(root, file), withBlocks(texts[file], mine, file));
    written.push(`${file} (${Object.keys(mine).join(', ')})`);
  }
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'docs/dora.svg'), examples.svg);
  process.stdout.write(`wrote ${written.join(', ')} and docs/dora.svg\n`);
}
