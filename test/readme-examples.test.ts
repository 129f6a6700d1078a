import * as fs from 'fs';
import * as path from 'path';
import { parseFlowchart } from './cli/mermaid';
import { BLOCK_NAMES, blockHomes, deployExcerpt, docFiles, METRICS_UNTIL, readmeBlocks, readmeExamples, ReadmeExamples, withBlocks } from './support/readme-examples';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
/** Every documentation file's text, by path from the root. */
const TEXTS = Object.fromEntries(docFiles(ROOT).map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8')]));
/** Every generated block of the documentation, by name. */
const BLOCKS = Object.assign({}, ...Object.values(TEXTS).map(readmeBlocks)) as Record<string, string>;

/**
 * The generated examples of the README and docs/, and docs/dora.svg, are what the commands give for
 * the main example at a fixed end of the window; `npm run readme` regenerates them where they are.
 */
describe('the generated examples of the main example', () => {
  let examples: ReadmeExamples;
  beforeAll(() => {
    examples = readmeExamples(ROOT);
  });

  test('each generated block is in exactly one documentation file, once, where the pages say', () => {
    expect(Object.keys(BLOCKS).sort()).toEqual([...BLOCK_NAMES]);
    expect(blockHomes(TEXTS)).toEqual({
      'deploy-prod': 'docs/pipelines.md', graph: 'docs/cli.md', 'graph-prod': 'README.md', help: 'docs/cli.md', metrics: 'docs/pipelines.md', status: 'docs/releases.md',
    });
    expect(() => blockHomes({ 'README.md': README, 'docs/copy.md': TEXTS['README.md'] }, ['graph-prod'])).toThrow('generated blocks: block graph-prod is given 2 times (README.md, docs/copy.md)');
    expect(() => blockHomes({ 'README.md': README }, ['graph-prod', 'status'])).toThrow('generated blocks: block status is in no documentation file');
    expect(() => blockHomes({ 'x.md': '<!-- readme-examples: nope (npm run readme) -->\n' }, [])).toThrow('x.md has a block nope, which npm run readme does not make');
  });

  test('the status table is what `switchyard status` prints for the example\'s ledger, every service of every tier', () => {
    const block = BLOCKS.status;
    expect(block).toBe(examples.blocks.status);
    const rows = block.split('\n').slice(3, -1).map((l) => l.split(/\s+/).slice(0, 2).join(' '));
    expect(rows).toEqual(['dev api', 'dev worker', 'staging api', 'staging worker', 'prod api', 'prod worker']);
    expect(block).toContain('WEIGHT TO IDLE');
  });

  test('the diagram is what `switchyard graph` prints: a flowchart of the three tiers', () => {
    const block = BLOCKS.graph;
    expect(block).toBe(examples.blocks.graph);
    const lines = block.split('\n');
    expect([lines[0], lines[lines.length - 1]]).toEqual(['```mermaid', '```']);
    expect(parseFlowchart(lines.slice(1, -1)).top).toHaveLength(3);
  });

  test('the README\'s picture is what `switchyard graph --tier prod` prints: prod alone, with its four stacks', () => {
    const block = BLOCKS['graph-prod'];
    expect(block).toBe(examples.blocks['graph-prod']);
    const lines = block.split('\n');
    expect(parseFlowchart(lines.slice(1, -1)).top).toHaveLength(1);
    for (const stack of ['platform-prod', 'addons-prod', 'addons-config-prod', 'shop-prod']) expect(block).toContain(`["${stack}`);
    expect(block).not.toMatch(/-dev\b|tier dev/);
  });

  test('the command reference shows `switchyard help` as it prints, every verb', () => {
    const block = BLOCKS.help;
    expect(block).toBe(examples.blocks.help);
    for (const verb of ['init', 'status', 'stage', 'switch', 'rollback', 'weight', 'approve', 'promote', 'retire', 'graph', 'pipeline', 'metrics']) {
      expect(block).toMatch(new RegExp(`^ {2}switchyard ${verb}\\b`, 'm'));
      expect(TEXTS['docs/cli.md']).toMatch(new RegExp(`^\\| [^|]*\`${verb}\``, 'm'));
    }
  });

  test('the metrics table is what `switchyard metrics --until` prints, and the page shows that command', () => {
    const block = BLOCKS.metrics;
    expect(block).toBe(examples.blocks.metrics);
    expect(block).toContain(`npx switchyard metrics --until ${METRICS_UNTIL} --svg docs/dora.svg`);
    // Every service of the ledger has its rows: the worker too.
    const ledger = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/shop/releases.json'), 'utf8'));
    for (const [tier, services] of Object.entries<Record<string, unknown>>(ledger.tiers)) {
      for (const service of Object.keys(services)) expect(block).toMatch(new RegExp(`^${tier} +${service} +\\d{4}-\\d{2}-\\d{2} `, 'm'));
    }
  });

  test('the deploy-prod excerpt is the generated job, with its deploy command of every prod stack', () => {
    const block = BLOCKS['deploy-prod'];
    expect(block).toBe(examples.blocks['deploy-prod']);
    expect(block).toContain("run: npx cdktf deploy 'platform-prod' 'addons-prod' 'addons-config-prod' 'shop-prod' --auto-approve");
    expect(block).toContain("if: github.ref == 'refs/heads/main'");
  });

  test('docs/dora.svg is the chart `switchyard metrics --until ... --svg` draws, with the change failure rate', () => {
    const committed = fs.readFileSync(path.join(ROOT, 'docs/dora.svg'), 'utf8');
    expect(committed).toBe(examples.svg);
    expect(committed).toContain('>Change failure rate per week (rolled back / deployed)<');
    expect(committed).toContain('aria-label="change failure rate of prod, week from 01 Nov: 33% (1/3)"');
    expect(committed).toMatch(/aria-label="[^"]*service: worker"/);
  });

  test('withBlocks replaces a block and nothing else; a file without the markers is refused', () => {
    const pipelines = TEXTS['docs/pipelines.md'];
    const text = withBlocks(pipelines, { metrics: 'new body' }, 'docs/pipelines.md');
    expect(readmeBlocks(text).metrics).toBe('new body');
    expect(text.replace('new body', examples.blocks.metrics)).toBe(pipelines);
    expect(() => withBlocks('# no markers\n', { metrics: 'x' }, 'docs/x.md')).toThrow('docs/x.md has no block <!-- readme-examples: metrics (npm run readme) -->');
  });

  test('deployExcerpt keeps the job and its comment, and shortens the setup steps to one line', () => {
    const workflow = [
      'jobs:', '  # about a', '  a:', '    steps:', '      - name: Check out', '        uses: x',
      '      - name: Set up Node.js', '        uses: y', '      - name: Install packages', '        run: npm ci',
      '      - name: Go', '        run: go', '', '  # about b', '  b:', '    steps: []', '',
    ].join('\n');
    expect(deployExcerpt(workflow, 'a')).toBe([
      '  # about a', '  a:', '    steps:', '      - name: Check out', '        uses: x',
      '      # ... Set up Node.js, Set up Terraform, Install packages: as in every job ...', '      - name: Go', '        run: go',
    ].join('\n'));
    expect(deployExcerpt(workflow, 'b')).toBe('  # about b\n  b:\n    steps: []');
  });
});
