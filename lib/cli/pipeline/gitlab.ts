/**
 * The GitLab CI/CD dialect of `switchyard pipeline`: one .gitlab-ci.yml, a stage per tier in
 * promotion order, with plan, deploy and drift jobs.
 */
import type { DeliveryModel } from '../../model';
import { CDKTF_CLI } from '../../private/cdk-cli';
import { commentBefore, toYaml, YamlMap, YamlValue } from '../../private/yaml';
import {
  checkCommand, declaredRole, driftScript, GeneratedFile, header, missingRole, NO_PLAN_LOCK, PipelineOptions, roleVariable, script, settings, shellList,
} from './common';
import { TierDeployment, tierDeployments } from './order';

const DEPLOYMENT_TIERS: Record<string, string> = { dev: 'development', development: 'development', test: 'testing', qa: 'testing', staging: 'staging', prod: 'production', production: 'production' };

/** How a GitLab job reaches its tier: OIDC web identity for AWS (managed), or a kubeconfig file variable. */
function gitlabAccess(t: TierDeployment, purpose: 'deploy' | 'plan' | 'drift'): { job: YamlMap; script: string[] } {
  if (t.tier.binding === 'managed') {
    const variable = roleVariable(t, purpose);
    const declared = declaredRole(t, purpose);
    return {
      job: {
        id_tokens: { AWS_ID_TOKEN: { aud: 'https://gitlab.com' } },
        variables: { AWS_REGION: t.tier.region ?? `$AWS_REGION_${t.varSuffix}` },
      },
      script: [
        ...(declared ? [] : [`test -n "$${variable}" || { echo "${missingRole(t, purpose)}" >&2; exit 1; }`]),
        // The AWS SDKs (Terraform, the AWS CLI) assume AWS_ROLE_ARN with the token in this file.
        `export AWS_ROLE_ARN="${declared ?? `$${variable}`}" AWS_ROLE_SESSION_NAME="switchyard-${purpose}-${t.tier.name}-$CI_JOB_ID"`,
        'export AWS_WEB_IDENTITY_TOKEN_FILE="$(mktemp)"',
        'printf \'%s\' "$AWS_ID_TOKEN" > "$AWS_WEB_IDENTITY_TOKEN_FILE"',
      ],
    };
  }
  return {
    job: {},
    script: [`mkdir -p ~/.kube && cp "$KUBECONFIG_${t.varSuffix}" ~/.kube/config && chmod 600 ~/.kube/config`],
  };
}

/** The runner's architecture as Terraform and the AWS CLI name it; other machines stop here. */
const ARCH = [
  'case "$(uname -m)" in',
  '  x86_64) tf_arch=amd64 ;;',
  '  aarch64|arm64) tf_arch=arm64 ;;',
  '  *) echo "no Terraform build for $(uname -m)" >&2; exit 1 ;;',
  'esac',
];

/**
 * Terraform from releases.hashicorp.com, for the runner's architecture, checked against the
 * release's SHA256SUMS. The signature of SHA256SUMS (HashiCorp's PGP key) is not checked here.
 */
const TERRAFORM_INSTALL = script(
  'if ! command -v terraform >/dev/null; then',
  ...ARCH.map((l) => `  ${l}`),
  '  base="https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}"',
  '  zip="terraform_${TERRAFORM_VERSION}_linux_${tf_arch}.zip"',
  '  tf_tmp="$(mktemp -d)"',
  '  curl -fsSLo "$tf_tmp/$zip" "$base/$zip" || exit 1',
  '  curl -fsSLo "$tf_tmp/SHA256SUMS" "$base/terraform_${TERRAFORM_VERSION}_SHA256SUMS" || exit 1',
  '  (cd "$tf_tmp" && grep "  $zip\\$" SHA256SUMS | sha256sum -c -) || { echo "$zip does not match the SHA256SUMS of its release" >&2; exit 1; }',
  '  unzip -oq "$tf_tmp/$zip" -d /usr/local/bin || exit 1',
  'fi',
);

/** The AWS CLI v2 (its archives are named after `uname -m`: x86_64, aarch64). */
const AWS_CLI_INSTALL = script(
  'if ! command -v aws >/dev/null; then',
  '  aws_tmp="$(mktemp -d)"',
  '  curl -fsSLo "$aws_tmp/awscli.zip" "https://awscli.amazonaws.com/awscli-exe-linux-$(uname -m).zip" || exit 1',
  '  unzip -oq "$aws_tmp/awscli.zip" -d "$aws_tmp" && "$aws_tmp/aws/install" || exit 1',
  'fi',
);

/** The GitLab pipeline: stages per tier in promotion order. */
export function gitlabPipeline(model: DeliveryModel, options: PipelineOptions = {}): GeneratedFile[] {
  const s = settings('gitlab', options);
  const tiers = tierDeployments(model, s.modelPath);
  // Merge requests into the branch plan; pushes to it and "Run pipeline" on it deploy.
  const onMergeRequest = `$CI_PIPELINE_SOURCE == "merge_request_event" && $CI_MERGE_REQUEST_TARGET_BRANCH_NAME == "${s.branch}"`;
  const onMain = `$CI_COMMIT_BRANCH == "${s.branch}" && ($CI_PIPELINE_SOURCE == "push" || $CI_PIPELINE_SOURCE == "web")`;
  const onSchedule = '$CI_PIPELINE_SOURCE == "schedule"';
  const pinned = /@sha256:[0-9a-f]{64}$/.test(s.image);
  const doc: Record<string, YamlValue> = {
    workflow: { rules: [{ if: onMergeRequest }, { if: onMain }, { if: onSchedule }] },
    stages: tiers.map((t) => t.tier.name),
    variables: { TERRAFORM_VERSION: s.terraformVersion, CHECKPOINT_DISABLE: '1' },
    '.switchyard': commentBefore({
      image: s.image,
      before_script: [TERRAFORM_INSTALL, 'npm ci'],
    }, 'Node.js, Terraform and the npm packages of every job.',
    pinned
      ? 'The image is pinned by digest.'
      : `The image is a tag, which moves: pin it by digest (--image ${s.image}@sha256:<digest>; the generator runs`,
    ...(pinned ? [] : ['offline and cannot look the digest up), or use an image with Terraform (and the AWS CLI) baked in.']),
    'Terraform is checked against the SHA256SUMS of its release; the signature of that file (terraform_<version>_SHA256SUMS.sig,',
    'HashiCorp\'s PGP key) is not: verify it with gpg in your own image if you need to. Runners: linux x86_64 or arm64.'),
    '.switchyard-aws': commentBefore({
      extends: '.switchyard',
      before_script: [TERRAFORM_INSTALL, AWS_CLI_INSTALL, 'npm ci'],
    }, 'Managed tiers also need the AWS CLI: the Kubernetes provider signs in with `aws eks get-token`.'),
    'pipeline-current': commentBefore({
      stage: '.pre',
      extends: '.switchyard',
      needs: [],
      rules: [{ if: onMergeRequest }],
      script: [`npx ${CDKTF_CLI} synth`, checkCommand(s)],
    }, 'Fails when the committed pipeline differs from what the model gives now (a tier added without regenerating).'),
  };
  let previous: string | undefined;
  for (const t of tiers) {
    const base = t.tier.binding === 'managed' ? '.switchyard-aws' : '.switchyard';
    const plan = gitlabAccess(t, 'plan');
    const report = `plan-${t.tier.name}.txt`;
    doc[`plan-${t.tier.name}`] = {
      stage: t.tier.name,
      extends: base,
      needs: [],
      rules: [{ if: onMergeRequest }],
      ...plan.job,
      variables: { ...(plan.job.variables as YamlMap | undefined), TF_CLI_ARGS_plan: NO_PLAN_LOCK },
      script: [
        ...plan.script,
        `npx ${CDKTF_CLI} synth`,
        // Every stack is planned, also after one fails; the job fails at the end if any did.
        script(
          'set -o pipefail',
          'status=0',
          `: > "${report}"`,
          `for stack in ${shellList(t.stacks)}; do`,
          `  npx ${CDKTF_CLI} diff "$stack" --skip-synth --no-color 2>&1 | tee -a "${report}" || status=1`,
          'done',
          'exit "$status"',
        ),
      ],
      artifacts: { when: 'always', expose_as: `plan ${t.tier.name}`, paths: [report] },
    };
    const deploy = gitlabAccess(t, 'deploy');
    const id = `deploy-${t.tier.name}`;
    doc[id] = commentBefore({
      stage: t.tier.name,
      extends: base,
      needs: previous ? [previous] : [],
      rules: [t.tier.approvalRequired ? { if: onMain, when: 'manual' } : { if: onMain }],
      ...(t.tier.approvalRequired ? { allow_failure: false } : {}),
      environment: { name: t.tier.name, deployment_tier: DEPLOYMENT_TIERS[t.tier.name] ?? 'other' },
      resource_group: commentBefore(`switchyard-${t.tier.name}`, 'One deploy of the tier at a time; set the group\'s process mode to oldest_first (see the header).'),
      ...deploy.job,
      script: [...deploy.script, `npx ${CDKTF_CLI} deploy ${shellList(t.stacks)} --auto-approve`],
    }, t.tier.approvalRequired
      ? `Tier ${t.tier.name} asks for an approval: a manual job; protect environment "${t.tier.name}" and require an approval there.`
      : `Tier ${t.tier.name}: deploys as soon as the tier before it succeeded.`);
    previous = id;
    const drift = gitlabAccess(t, 'drift');
    doc[`drift-${t.tier.name}`] = {
      stage: t.tier.name,
      extends: base,
      needs: [],
      rules: [{ if: onSchedule }],
      ...drift.job,
      variables: { ...(drift.job.variables as YamlMap | undefined), TF_CLI_ARGS_plan: NO_PLAN_LOCK },
      script: [...drift.script, `npx ${CDKTF_CLI} synth`, driftScript(t, s, `"drift-${t.tier.name}.md"`)],
      artifacts: { when: 'always', expose_as: `drift ${t.tier.name}`, paths: [`drift-${t.tier.name}.md`] },
    };
  }
  const reviewed = tiers.filter((t) => t.tier.approvalRequired).map((t) => `"${t.tier.name}"`);
  return [{
    path: '.gitlab-ci.yml',
    content: toYaml(doc, header('gitlab', s, [
      `Merge requests into ${s.branch}: \`${CDKTF_CLI} diff\` of every stack of every tier (artifact plan-<tier>.txt, linked in the merge request),`,
      `and \`${checkCommand(s)}\` (job pipeline-current), which fails when this file is stale.`,
      `Pushes to ${s.branch}, and "Run pipeline" on ${s.branch}: deploy the tiers in promotion order (${tiers.map((t) => t.tier.name).join(' -> ')}), one stage per tier;`,
      reviewed.length > 0 ? `Deploys to ${reviewed.join(', ')} wait for someone to run the manual job.` : 'No tier asks for an approval.',
      'Pipeline schedules (CI/CD > Schedules): `terraform plan -detailed-exitcode` per stack; a job fails on changes.',
      '',
      `Protected environments (Operate > Environments): ${tiers.map((t) => `"${t.tier.name}"`).join(', ')}${reviewed.length > 0 ? `; require approvals for ${reviewed.join(', ')}` : ''}.`,
      `Resource groups ${tiers.map((t) => `switchyard-${t.tier.name}`).join(', ')} run one deploy per tier at a time. Set each one's process mode`,
      'to oldest_first, so queued deploys run in the order of their pipelines (the default, unordered, may run a newer',
      'one first): .gitlab-ci.yml cannot say it; the API can, once a group exists:',
      'PUT /projects/:id/resource_groups/<group> with process_mode=oldest_first.',
      '',
      'Access (no stored AWS keys): managed tiers sign in with an OIDC ID token (audience https://gitlab.com;',
      'use your instance URL if self-managed). A role\'s trust policy matches the token\'s subject, which GitLab',
      'forms as project_path:<group>/<project>:ref_type:branch:ref:<branch> (no environment in it):',
      `- $AWS_PLAN_ROLE_ARN_<TIER>, a read-only role for plans and drift checks (never the deploy role: a plan runs a`,
      `  merge request's code), trusts project_path:<group>/<project>:ref_type:branch:ref:* (a merge request pipeline`,
      `  runs on its source branch; a schedule on its branch).`,
      `- $AWS_ROLE_ARN_<TIER>, the deploy role, trusts only project_path:<group>/<project>:ref_type:branch:ref:${s.branch}:`,
      `  protect ${s.branch} and make these variables Protected, so only ${s.branch}'s pipelines can use them.`,
      'In-cluster tiers read a kubeconfig from the file variable $KUBECONFIG_<TIER>.',
      `Variables here: ${tiers.map((t) => (t.tier.binding === 'managed'
        ? [t.tier.deployRole ? undefined : `AWS_ROLE_ARN_${t.varSuffix}`, t.tier.planRole ? undefined : `AWS_PLAN_ROLE_ARN_${t.varSuffix}`, t.tier.region ? undefined : `AWS_REGION_${t.varSuffix}`]
          .filter(Boolean).join(', ') || `none for ${t.tier.name} (its roles are declared on the tier)`
        : `KUBECONFIG_${t.varSuffix}`)).join(', ')}.`,
      'State must outlive the job: give every tier a remote backend (Backend.s3 or Backend.hcp).',
    ])),
  }];
}
