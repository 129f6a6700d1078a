/**
 * Text that Terraform must take as written (a shell script with `%{http_code}`,
 * a command with `${HOME}`) is escaped, cdktf's tokens are not, and no stack
 * of any example holds a template Terraform would refuse.
 */
import { BlueGreenService, notSecret } from '../../lib';
import { terraformLiteral } from '../../lib/private/literal';
import { smokeJobName } from '../../lib/release/blue-green/smoke';
import { EXAMPLES } from '../examples-list';
import { appStack, ledgerOf, tiers } from '../fixtures';
import { exampleOutput, k8s, synth } from '../helpers';
import { asTerraformReads, templateProblems } from '../support/terraform-templates';

describe('terraformLiteral', () => {
  test.each<[string, string]>([
    ["curl -w '%{http_code}'", "curl -w '%%{http_code}'"],
    ['echo ${HOME} $HOME', 'echo $${HOME} $HOME'],
    ['${TfToken[TOKEN.12]}/path', '${TfToken[TOKEN.12]}/path'],
    ['plain 100% {x} $ {y}', 'plain 100% {x} $ {y}'],
  ])('%s', (text, literal) => {
    expect(terraformLiteral(text)).toBe(literal);
    if (!text.includes('TfToken')) expect(asTerraformReads(literal)).toBe(text);
  });
});

describe('the template check', () => {
  test('finds a directive and an interpolation of nothing declared, and passes references, functions and escapes', () => {
    const stack = { resource: { kubernetes_job_v1: { j: { command: ["curl -w '%{http_code}'", 'echo ${HOME}', 'echo $${HOME} %%{x}', '${kubernetes_job_v1.j.id}', '${base64encode("x")}', '${data.aws_region.r.name}'] } } } };
    expect(templateProblems(stack)).toEqual([
      'resource.kubernetes_job_v1.j.command[0]: a template directive at "%{http_code}\'"',
      'resource.kubernetes_job_v1.j.command[1]: an interpolation that refers to nothing declared: "${HOME}"',
    ]);
  });
});

describe('user text in a service', () => {
  const stack = synth((app) => {
    const s = appStack(app, tiers().get('dev'), ledgerOf({ app: 'shop', tiers: { dev: { api: { blue: '1.0.0', live: 'blue', weight: 0 } } } }));
    new BlueGreenService(s, 'api', {
      image: 'ghcr.io/acme/api', port: 8080,
      command: ['sh', '-c', 'exec server --home ${HOME}'], args: ['--format', '%{level}'],
      env: { GREETING: notSecret('hello ${USER} %{x}') },
      smoke: { checks: [{ http: { path: '/healthz' } }, { command: ['sh', '-c', 'test -n "${BASE_URL}"'] }] },
    });
  }).stacks['shop-dev'];

  test('reaches the pod as written', () => {
    const deployment = Object.values<any>(stack.resource.kubernetes_deployment_v1)[0]; // eslint-disable-line @typescript-eslint/no-explicit-any
    const c = deployment.spec.template.spec.container[0];
    expect(c.command.map(asTerraformReads)).toEqual(['sh', '-c', 'exec server --home ${HOME}']);
    expect(c.args.map(asTerraformReads)).toEqual(['--format', '%{level}']);
    expect(asTerraformReads(c.env.find((e: { name: string }) => e.name === 'GREETING').value)).toBe('hello ${USER} %{x}');
    const job = k8s(stack, 'kubernetes_job_v1', smokeJobName('api', 'blue', '1.0.0')).spec.template.spec;
    expect(asTerraformReads(job.init_container[0].command[2])).toContain("-w '%{http_code}'");
    expect(job.container[0].command.map(asTerraformReads)).toEqual(['sh', '-c', 'test -n "${BASE_URL}"']);
  });

  test('leaves no template Terraform would refuse', () => {
    expect(templateProblems(stack)).toEqual([]);
  });
});

describe.each(Object.keys(EXAMPLES))('the %s example', (name) => {
  test('has no template Terraform would refuse in any stack', () => {
    const out = exampleOutput(name);
    const problems = Object.entries(out.stacks).flatMap(([stack, json]) => templateProblems(json).map((p) => `${stack}: ${p}`));
    expect(problems).toEqual([]);
  });
});
