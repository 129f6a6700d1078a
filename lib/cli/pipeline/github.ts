/**
 * The GitHub Actions dialect of `switchyard pipeline`: a workflow that plans pull requests, one that
 * deploys the tiers in promotion order, one that checks them for drift on a schedule.
 */
import type { DeliveryModel } from '../../model';
import { CDKTF_CLI } from '../../private/cdk-cli';
import { commentAfter, commentBefore, toYaml, YamlMap, YamlValue } from '../../private/yaml';
import {
  checkCommand, declaredRole, driftScript, GeneratedFile, header, missingRole, NO_PLAN_LOCK, PipelineOptions, roleVariable, script, Settings,
  settings, shellList,
} from './common';
import { TierDeployment, tierDeployments } from './order';

/**
 * GitHub Actions used by the generated workflows, pinned to full commit SHAs
 * (a tag can be moved; a commit cannot). The version is written beside each pin.
 */
export const PINNED_ACTIONS = {
  checkout: { action: 'actions/checkout', sha: '11bd71901bbe5b1630ceea73d27597364c9af683', version: 'v4.2.2' },
  setupNode: { action: 'actions/setup-node', sha: '49933ea5288caeca8642d1e84afbd3f7d6820020', version: 'v4.4.0' },
  setupTerraform: { action: 'hashicorp/setup-terraform', sha: 'b9cd54a3c349d3f38e8881555d616ced269862dd', version: 'v3.1.2' },
  awsCredentials: { action: 'aws-actions/configure-aws-credentials', sha: 'e3dd6a429d7300a6a4c196c26e071d42e0343502', version: 'v4.0.2' },
} as const;

function uses(a: (typeof PINNED_ACTIONS)[keyof typeof PINNED_ACTIONS]) {
  return commentAfter(`${a.action}@${a.sha}`, a.version);
}

/** Steps every job starts with: the code, Node.js and npm packages, Terraform. */
function githubSetup(s: Settings): YamlValue[] {
  return [
    { name: 'Check out', uses: uses(PINNED_ACTIONS.checkout), with: { 'persist-credentials': false } },
    { name: 'Set up Node.js', uses: uses(PINNED_ACTIONS.setupNode), with: { 'node-version': s.nodeVersion, cache: 'npm' } },
    // The wrapper rewrites Terraform's output and exit codes; cdktf and the drift check read them.
    { name: 'Set up Terraform', uses: uses(PINNED_ACTIONS.setupTerraform), with: { terraform_version: s.terraformVersion, terraform_wrapper: false } },
    { name: 'Install packages', run: 'npm ci' },
  ];
}

/** How a job of `t` reaches its tier: an AWS role through OIDC (managed), or a kubeconfig (in-cluster). */
function githubAccess(t: TierDeployment, purpose: 'deploy' | 'plan' | 'drift'): YamlValue[] {
  if (t.tier.binding === 'managed') {
    const variable = roleVariable(t, purpose);
    const declared = declaredRole(t, purpose);
    return [...(declared ? [] : [{
      name: `Require vars.${variable}`,
      if: `vars.${variable} == ''`,
      run: `echo "::error::${missingRole(t, purpose)}"; exit 1`,
    }]), {
      name: `Sign in to AWS (${t.tier.name}, OIDC)`,
      uses: uses(PINNED_ACTIONS.awsCredentials),
      with: {
        // The tier's declared role (it has an access entry on the tier's cluster), or the CI variable.
        'role-to-assume': declared ?? `\${{ vars.${variable} }}`,
        'aws-region': t.tier.region ?? `\${{ vars.AWS_REGION_${t.varSuffix} }}`,
        'role-session-name': `switchyard-${purpose}-${t.tier.name}-\${{ github.run_id }}`,
      },
    }];
  }
  return [{
    name: `Kubeconfig of ${t.tier.name}`,
    env: { KUBECONFIG_DATA: `\${{ secrets.KUBECONFIG_${t.varSuffix} }}` },
    run: script('mkdir -p ~/.kube', 'printf \'%s\\n\' "$KUBECONFIG_DATA" > ~/.kube/config', 'chmod 600 ~/.kube/config'),
  }];
}

function githubPermissions(t: TierDeployment): YamlMap {
  return t.tier.binding === 'managed' ? { contents: 'read', 'id-token': 'write' } : { contents: 'read' };
}

function githubPlan(tiers: TierDeployment[], s: Settings): GeneratedFile {
  const jobs: Record<string, YamlValue> = {
    'pipeline-current': commentBefore({
      name: 'generated pipeline is current',
      'runs-on': 'ubuntu-latest',
      'timeout-minutes': 15,
      permissions: { contents: 'read' },
      steps: [
        ...githubSetup(s),
        { name: 'Synthesize', run: `npx ${CDKTF_CLI} synth` },
        { name: 'Compare the workflows with the model', run: checkCommand(s) },
      ],
    }, 'Fails when the committed workflows differ from what the model gives now (a tier added without regenerating).'),
  };
  for (const t of tiers) {
    jobs[`plan-${t.tier.name}`] = {
      name: `plan ${t.tier.name}`,
      'runs-on': 'ubuntu-latest',
      'timeout-minutes': 30,
      permissions: githubPermissions(t),
      steps: [
        ...githubSetup(s),
        ...githubAccess(t, 'plan'),
        { name: 'Synthesize', run: `npx ${CDKTF_CLI} synth` },
        {
          name: `Diff the stacks of ${t.tier.name}`,
          run: script(
            `echo "### Plan of tier ${t.tier.name}" >> "$GITHUB_STEP_SUMMARY"`,
            'status=0',
            `for stack in ${shellList(t.stacks)}; do`,
            '  printf \'\\n#### %s\\n\\n```\\n\' "$stack" >> "$GITHUB_STEP_SUMMARY"',
            `  npx ${CDKTF_CLI} diff "$stack" --skip-synth --no-color 2>&1 | tee -a "$GITHUB_STEP_SUMMARY" || status=1`,
            '  printf \'```\\n\' >> "$GITHUB_STEP_SUMMARY"',
            'done',
            'exit "$status"',
          ),
        },
      ],
    };
  }
  const doc: YamlMap = {
    name: 'switchyard plan',
    on: { pull_request: { branches: [s.branch] } },
    permissions: { contents: 'read' },
    concurrency: { group: 'switchyard-plan-${{ github.event.pull_request.number }}', 'cancel-in-progress': true },
    env: { CHECKPOINT_DISABLE: '1', TF_CLI_ARGS_plan: NO_PLAN_LOCK },
    defaults: { run: { shell: 'bash' } },
    jobs,
  };
  return {
    path: 'switchyard-plan.yml',
    content: toYaml(doc, header('github', s, [
      `On every pull request to ${s.branch}: synthesize, then \`${CDKTF_CLI} diff\` each stack of each tier;`,
      'the result is the job summary of each plan job. Nothing is changed.',
      `The job pipeline-current runs \`${checkCommand(s)}\`: it fails when these files are stale.`,
      ...accessNotes(tiers, 'plan', s),
    ])),
  };
}

function githubDeploy(tiers: TierDeployment[], s: Settings): GeneratedFile {
  const jobs: Record<string, YamlValue> = {};
  let previous: string | undefined;
  for (const t of tiers) {
    const id = `deploy-${t.tier.name}`;
    const job: YamlMap = {
      name: `deploy ${t.tier.name}`,
      ...(previous ? { needs: previous } : {}),
      if: commentBefore(`github.ref == 'refs/heads/${s.branch}'`, `A manual run (workflow_dispatch) may pick any branch: only ${s.branch} deploys.`),
      'runs-on': 'ubuntu-latest',
      'timeout-minutes': 120,
      environment: t.tier.name,
      // One deploy of a tier at a time; a running deploy is never cancelled.
      concurrency: { group: `switchyard-deploy-${t.tier.name}`, 'cancel-in-progress': false },
      permissions: githubPermissions(t),
      steps: [
        ...githubSetup(s),
        ...githubAccess(t, 'deploy'),
        { name: `Deploy ${t.stacks.join(', ')}`, run: `npx ${CDKTF_CLI} deploy ${shellList(t.stacks)} --auto-approve` },
      ],
    };
    jobs[id] = commentBefore(job, tierNote(t));
    previous = id;
  }
  const reviewed = tiers.filter((t) => t.tier.approvalRequired).map((t) => t.tier.name);
  const doc: YamlMap = {
    name: 'switchyard deploy',
    on: { push: { branches: [s.branch] }, workflow_dispatch: {} },
    permissions: { contents: 'read' },
    env: { CHECKPOINT_DISABLE: '1' },
    defaults: { run: { shell: 'bash' } },
    jobs,
  };
  return {
    path: 'switchyard-deploy.yml',
    content: toYaml(doc, header('github', s, [
      `On every push to ${s.branch} (or a manual run on ${s.branch}; every job is skipped on another branch):`,
      `deploy the tiers in promotion order (${tiers.map((t) => t.tier.name).join(' -> ')}),`,
      'each tier after the one before it succeeded, each tier\'s stacks in dependency order.',
      'The release ledger decides which version each slot runs; the synth refuses a version that',
      'skipped a tier or lacks an approval.',
      '',
      `Environments (Settings > Environments): create ${tiers.map((t) => `"${t.tier.name}"`).join(', ')}, each limited to the ${s.branch} branch.`,
      reviewed.length > 0
        ? `Required reviewers: ${reviewed.map((n) => `"${n}"`).join(', ')} (the tier asks for an approval); a deploy there waits for one.`
        : 'Required reviewers: none of these tiers asks for an approval.',
      'GitHub keeps one pending run per concurrency group: a newer push replaces a deploy that is still',
      `waiting, never one that runs (the newer commit contains the older one).`,
      ...accessNotes(tiers, 'deploy', s),
    ])),
  };
}

function githubDrift(tiers: TierDeployment[], s: Settings): GeneratedFile {
  const jobs: Record<string, YamlValue> = {};
  for (const t of tiers) {
    jobs[`drift-${t.tier.name}`] = {
      name: `drift ${t.tier.name}`,
      'runs-on': 'ubuntu-latest',
      'timeout-minutes': 30,
      concurrency: { group: `switchyard-drift-${t.tier.name}`, 'cancel-in-progress': true },
      permissions: githubPermissions(t),
      steps: [
        ...githubSetup(s),
        ...githubAccess(t, 'drift'),
        { name: 'Synthesize', run: `npx ${CDKTF_CLI} synth` },
        { name: `Plan the stacks of ${t.tier.name}`, run: driftScript(t, s, '"$GITHUB_STEP_SUMMARY"') },
      ],
    };
  }
  const doc: YamlMap = {
    name: 'switchyard drift',
    on: { schedule: [{ cron: s.driftSchedule }], workflow_dispatch: {} },
    permissions: { contents: 'read' },
    env: { CHECKPOINT_DISABLE: '1', TF_CLI_ARGS_plan: NO_PLAN_LOCK },
    defaults: { run: { shell: 'bash' } },
    jobs,
  };
  return {
    path: 'switchyard-drift.yml',
    content: toYaml(doc, header('github', s, [
      `On a schedule (${s.driftSchedule}, UTC): \`terraform plan -detailed-exitcode\` in every stack folder;`,
      'a job fails when a stack has changes (drift, or a merge not deployed yet) or its plan fails.',
      'The jobs use no environment, so they never wait for a reviewer.',
      ...accessNotes(tiers, 'drift', s),
    ])),
  };
}

function tierNote(t: TierDeployment): string {
  const how = t.tier.binding === 'managed'
    ? `AWS role ${t.tier.deployRole ?? `from vars.AWS_ROLE_ARN_${t.varSuffix}`} (OIDC, subject repo:<owner>/<repo>:environment:${t.tier.name})`
    : `kubeconfig from secrets.KUBECONFIG_${t.varSuffix}, no AWS`;
  const gate = t.tier.approvalRequired ? `; environment "${t.tier.name}" needs required reviewers` : '';
  return `Tier ${t.tier.name} (${t.tier.binding}): ${t.stacks.join(', ')}; ${how}${gate}.`;
}

/** Header lines that say what each tier needs set up in the repository, and what each role must trust. */
function accessNotes(tiers: TierDeployment[], purpose: 'deploy' | 'plan' | 'drift', s: Settings): string[] {
  const lines: string[] = [''];
  if (tiers.some((t) => t.tier.binding === 'managed')) {
    lines.push(...(purpose === 'deploy'
      ? [
        'Access (no stored AWS keys): each managed tier\'s deploy role, assumed with GitHub\'s OIDC token',
        '(audience sts.amazonaws.com). Its trust policy admits only the subject (`sub`) of the jobs of its',
        'environment, repo:<owner>/<repo>:environment:<tier>:',
      ]
      : [
        'Access (no stored AWS keys): each managed tier\'s plan role, a read-only AWS role assumed with GitHub\'s',
        'OIDC token (audience sts.amazonaws.com); never the deploy role, since a plan runs a pull request\'s code.',
        `Its trust policy admits the subjects (\`sub\`) repo:<owner>/<repo>:pull_request (${purpose === 'plan' ? 'this workflow' : 'the plan workflow'}) and`,
        `repo:<owner>/<repo>:ref:refs/heads/${s.branch} (${purpose === 'drift' ? 'this workflow' : 'the drift check'}), and no other:`,
      ]));
  } else {
    lines.push('Access: no tier signs in to AWS.');
  }
  for (const t of tiers) {
    if (t.tier.binding === 'managed') {
      const region = t.tier.region ? '' : ` and vars.AWS_REGION_${t.varSuffix}`;
      const declared = declaredRole(t, purpose);
      const role = declared ? `${declared} (declared on the tier${region ? `; set${region.replace(' and', '')}` : ''})` : undefined;
      lines.push(purpose === 'deploy'
        ? `- ${t.tier.name}: ${role ?? `vars.AWS_ROLE_ARN_${t.varSuffix}${region}`}; its role trusts repo:<owner>/<repo>:environment:${t.tier.name}.`
        : `- ${t.tier.name}: ${role ?? `vars.AWS_PLAN_ROLE_ARN_${t.varSuffix}${region} (a job without it stops)`}.`);
    } else {
      lines.push(`- ${t.tier.name}: in-cluster, no AWS; secrets.KUBECONFIG_${t.varSuffix} holds a kubeconfig with the tier's context.`);
    }
  }
  lines.push('State must outlive the runner: give every tier a remote backend (Backend.s3 or Backend.hcp).');
  return lines;
}

/** The GitHub Actions workflows: plan on pull requests, deploy on the main branch, drift on a schedule. */
export function githubWorkflows(model: DeliveryModel, options: PipelineOptions = {}): GeneratedFile[] {
  const s = settings('github', options);
  const tiers = tierDeployments(model, s.modelPath);
  return [githubPlan(tiers, s), githubDeploy(tiers, s), githubDrift(tiers, s)];
}
