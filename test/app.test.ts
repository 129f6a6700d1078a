import * as fs from 'fs';
import * as path from 'path';
import { AddonsStack, App, BlueGreenService, PlatformRef, Tier } from '../lib';
import { appStack, ledgerOf, released, tiers } from './fixtures';
import { errorOf, tempDir } from './helpers';

/** Every file under `dir` with its content. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const dev = tiers().get('dev');

function build(outdir: string, declareApi: boolean, extraStack = false): void {
  const app = new App({ outdir });
  const stack = appStack(app, dev, ledgerOf({ app: 'shop', tiers: { dev: { api: released() } } }));
  if (declareApi) new BlueGreenService(stack, 'api', { image: 'ghcr.io/acme/api', port: 8080 });
  if (extraStack) new AddonsStack(app, { tier: Tier.dev(), name: 'extra', platform: PlatformRef.fromKubeconfig({ context: 'x' }), addons: [] });
  app.synth();
}

describe('App', () => {
  test('a synth that fails validation leaves the previous output exactly as it was', () => {
    const outdir = path.join(tempDir(), 'cdktf.out');
    build(outdir, true);
    const before = snapshot(outdir);
    expect(Object.keys(before)).toContain(path.join('stacks', 'shop-dev', 'cdk.tf.json'));

    // cdktf writes stacks before it runs validations: this one fails after writing.
    expect(errorOf(() => build(outdir, false))).toContain('service "api" is not a service of app "shop" in tier "dev"');
    expect(snapshot(outdir)).toEqual(before);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(['cdktf.out']);
  });

  test('a program that throws before synth writes nothing at all', () => {
    const parent = tempDir();
    const outdir = path.join(parent, 'cdktf.out');
    expect(() => {
      new App({ outdir });
      throw new Error('bad input');
    }).toThrow('bad input');
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test('a new synth keeps Terraform\'s files in the stack folders and drops stacks that are gone', () => {
    const outdir = path.join(tempDir(), 'cdktf.out');
    build(outdir, true, true);
    const tfDir = path.join(outdir, 'stacks', 'shop-dev', '.terraform');
    fs.mkdirSync(tfDir);
    fs.writeFileSync(path.join(tfDir, 'marker'), 'x');
    fs.writeFileSync(path.join(outdir, 'stacks', 'shop-dev', '.terraform.lock.hcl'), 'lock');
    expect(fs.existsSync(path.join(outdir, 'stacks', 'extra-dev'))).toBe(true);

    build(outdir, true, false);
    expect(fs.readFileSync(path.join(tfDir, 'marker'), 'utf8')).toBe('x');
    expect(fs.existsSync(path.join(outdir, 'stacks', 'shop-dev', '.terraform.lock.hcl'))).toBe(true);
    expect(fs.existsSync(path.join(outdir, 'stacks', 'extra-dev'))).toBe(false);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['addons-config-dev', 'addons-dev', 'shop-dev']);
  });
});

test('the main example synthesizes on a machine without Terraform (nothing runs `terraform` at synth)', () => {
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const root = path.join(__dirname, '..');
  const outdir = path.join(tempDir(), 'cdktf.out');
  // Only node on the PATH: a synth that shelled out to terraform (cdktf's DataResource validates its version so) fails.
  const r = spawnSync(process.execPath, ['--require', './examples/register.js', 'examples/shop/main.ts'], {
    cwd: root, encoding: 'utf8', env: { PATH: path.dirname(process.execPath), HOME: process.env.HOME ?? '/tmp', CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
  });
  expect([r.status, r.stderr.split('\n').filter((l) => /terraform|Error/i.test(l)).slice(0, 3)]).toEqual([0, []]);
  expect(fs.existsSync(path.join(outdir, 'stacks', 'shop-prod', 'cdk.tf.json'))).toBe(true);
});
