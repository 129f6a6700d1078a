import * as fs from 'fs';
import * as path from 'path';
import { parseFlowchart } from './cli/mermaid';
import { deployExcerpt, METRICS_UNTIL, readmeBlocks, readmeExamples, ReadmeExamples, withBlocks } from './support/readme-examples';

const ROOT = path.join(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/**
 * The README's examples and docs/dora.svg are what the commands give for the main example at a
 * fixed end of the window; `npm run readme` regenerates them.
 */
describe('the README examples of the main example', () => {
  let examples: ReadmeExamples;
  beforeAll(() => {
    examples = readmeExamples(ROOT);
  });

  test('the README has each generated block once', () => {
    expect(Object.keys(readmeBlocks(README)).sort()).toEqual(['deploy-prod', 'graph', 'metrics', 'status']);
    for (const name of ['deploy-prod', 'graph', 'metrics', 'status']) expect(README.split(`<!-- readme-examples: ${name} `).length).toBe(2);
  });

  test('the status table is what `switchyard status` prints for the example\'s ledger, every service of every tier', () => {
    const block = readmeBlocks(README).status;
    expect(block).toBe(examples.blocks.status);
    const rows = block.split('\n').slice(3, -1).map((l) => l.split(/\s+/).slice(0, 2).join(' '));
    expect(rows).toEqual(['dev api', 'dev worker', 'staging api', 'staging worker', 'prod api', 'prod worker']);
    expect(block).toContain('WEIGHT TO IDLE');
  });

  test('the diagram is what `switchyard graph` prints: a flowchart of the three tiers', () => {
    const block = readmeBlocks(README).graph;
    expect(block).toBe(examples.blocks.graph);
    const lines = block.split('\n');
    expect([lines[0], lines[lines.length - 1]]).toEqual(['```mermaid', '```']);
    expect(parseFlowchart(lines.slice(1, -1)).top).toHaveLength(3);
  });

  test('the metrics table is what `switchyard metrics --until` prints, and the README shows that command', () => {
    const block = readmeBlocks(README).metrics;
    expect(block).toBe(examples.blocks.metrics);
    expect(block).toContain(`npx switchyard metrics --until ${METRICS_UNTIL} --svg docs/dora.svg`);
    // Every service of the ledger has its rows: the worker too.
    const ledger = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/shop/releases.json'), 'utf8'));
    for (const [tier, services] of Object.entries<Record<string, unknown>>(ledger.tiers)) {
      for (const service of Object.keys(services)) expect(block).toMatch(new RegExp(`^${tier} +${service} +\\d{4}-\\d{2}-\\d{2} `, 'm'));
    }
  });

  test('the deploy-prod excerpt is the generated job, with its deploy command of every prod stack', () => {
    const block = readmeBlocks(README)['deploy-prod'];
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

  test('withBlocks replaces a block and nothing else; a README without the markers is refused', () => {
    const text = withBlocks(README, { metrics: 'new body' });
    expect(readmeBlocks(text).metrics).toBe('new body');
    expect(text.replace('new body', examples.blocks.metrics)).toBe(README);
    expect(() => withBlocks('# no markers\n', { metrics: 'x' })).toThrow('README.md has no block <!-- readme-examples: metrics (npm run readme) -->');
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
