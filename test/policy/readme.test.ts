// The rules table (docs/RULES.md) and the rule tests are kept in step with the rule pack.
import * as fs from 'fs';
import * as path from 'path';
import { Policy } from '../../lib';

const rules = fs.readFileSync(path.resolve(__dirname, '../../docs/RULES.md'), 'utf8');

const WHERE: Record<string, string> = {
  'every-tier': 'staging, prod (dev: warning)',
  managed: 'staging, prod',
  'high-availability': 'prod (HA tiers)',
  'deletion-protection': 'prod (protected tiers)',
};

describe('the rules table of docs/RULES.md', () => {
  test('has one row per rule, with its title, Checkov and FSBP mapping and the tiers where it is an error', () => {
    for (const r of Policy.rules) {
      const row = `| ${r.id} | ${r.title} | ${r.checkov.join(', ') || 'none'} | ${r.fsbp.join(', ') || 'none'} | ${WHERE[r.appliesIn]} |`;
      expect(rules).toContain(row);
    }
    expect(rules.match(/^\| SY-[A-Z0-9]+-\d+ \|/gm)).toHaveLength(Policy.rules.length);
  });
});

describe('rule tests', () => {
  test('every rule has a case (one compliant and one non-compliant build) in test/policy', () => {
    const sources = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.ts')).map((f) => fs.readFileSync(path.join(__dirname, f), 'utf8')).join('\n');
    const missing = Policy.rules.map((r) => r.id).filter((id) => !sources.includes(`{ rule: '${id}',`) && !sources.includes(`rule: '${id}', what:`));
    expect(missing).toEqual([]);
  });
});
