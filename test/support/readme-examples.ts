/**
 * The README's examples of the main example (examples/shop), made by the commands themselves:
 * the `switchyard status` table, the `switchyard graph` diagram, the `switchyard metrics` table at
 * a fixed end of the window, its chart (docs/dora.svg), and the deploy-prod job of the generated
 * GitHub deploy workflow.
 *
 * `npm run readme` writes them into README.md (between `<!-- readme-examples: NAME -->` and
 * `<!-- /readme-examples: NAME -->`) and docs/dora.svg; test/readme-examples.test.ts fails
 * when either is stale.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { shop } from '../../examples/shop/shop';
import { App, buildModel } from '../../lib';
import { CliIo } from '../../lib/cli/io';
import { main } from '../../lib/cli/main';
import { pipelineCommand } from '../../lib/cli/pipeline';

/** The end of the metrics window in the README: the figures do not change with the day it is run. */
export const METRICS_UNTIL = '2026-11-23T12:00:00Z';
/** The metrics command of the README, as typed. */
export const METRICS_ARGS = ['--until', METRICS_UNTIL, '--svg', 'docs/dora.svg'];
/** The steps every job starts with, left out of the README's excerpt. */
const SETUP_STEPS = ['Set up Node.js', 'Set up Terraform', 'Install packages'];

/** The generated parts of the README, by marker name, and the chart. */
export interface ReadmeExamples {
  readonly blocks: Readonly<Record<'status' | 'graph' | 'metrics' | 'deploy-prod', string>>;
  readonly svg: string;
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
    // The graph from the project folder, where the model names the ledger; the status as the README's
    // steps run it, with the example's ledger kept as releases.json.
    const graph = recording(dir);
    if (main(['graph'], graph) !== 0) throw new Error(`switchyard graph failed: ${graph.errors.join('\n')}`);
    for (const a of apps) fs.copyFileSync(path.join(root, a.ledger), path.join(dir, 'releases.json'));
    const status = recording(dir);
    if (main(['status'], status) !== 0) throw new Error(`switchyard status failed: ${status.errors.join('\n')}`);
    return {
      blocks: {
        status: ['```', ...status.lines, '```'].join('\n'),
        graph: ['```mermaid', ...graph.lines, '```'].join('\n'),
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

/** The README with its generated blocks replaced. */
export function withBlocks(readme: string, blocks: Readonly<Record<string, string>>): string {
  let text = readme;
  for (const [name, body] of Object.entries(blocks)) {
    const a = text.indexOf(open(name));
    const b = text.indexOf(close(name));
    if (a < 0 || b < a) throw new Error(`README.md has no block ${open(name)} ... ${close(name)}`);
    text = `${text.slice(0, a)}${open(name)}\n${body}\n${text.slice(b)}`;
  }
  return text;
}

if (require.main === module) {
  const root = path.join(__dirname, '../..');
  const examples = readmeExamples(root);
  const readme = path.join(root, 'README.md');
  fs.writeFileSync(readme, withBlocks(fs.readFileSync(readme, 'utf8'), examples.blocks));
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'docs/dora.svg'), examples.svg);
  process.stdout.write(`wrote README.md (${Object.keys(examples.blocks).join(', ')}) and docs/dora.svg\n`);
}
