/**
 * The secret scanner (test/secret-scan.ts) itself: it must find each kind of
 * secret literal in a hand-made stack, and pass references and names of
 * secrets. Without this, a scanner that finds nothing would pass every stack.
 */
import * as path from 'path';
import { App, Policy } from '../lib';
import { raw, tierStack } from './policy/support';
import { readOutput, StackJson, tempDir } from './helpers';
import { isReference, isSecretKey, scanForSecrets } from './secret-scan';

/** A hand-made stack `things-staging` with the given resources, synthesized in full. */
function stackWith(resources: Array<[type: string, attrs: Record<string, unknown>]>): StackJson {
  const app = new App({ outdir: path.join(tempDir(), 'cdktf.out') });
  const s = tierStack('staging', app);
  Policy.disable(s, 'hand-made resources for the scanner');
  const providers = { aws: () => s.aws, kubernetes: () => s.kubernetes, helm: () => s.helm };
  resources.forEach(([type, attrs], i) => raw(s, `r${i}`, type, attrs, providers[type.split('_')[0] as keyof typeof providers]()));
  app.synth();
  return readOutput(app.targetOutdir).stacks['things-staging'];
}

const PRIVATE_KEY = ['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----'].join(' ');
const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiJhZG1pbiJ9', 'c2lnbmF0dXJlLXNpZ25hdHVyZQ'].join('.');

describe('the secret scanner', () => {
  test.each<[string, string, Record<string, unknown>, string]>([
    ['a database password', 'aws_db_instance', { password: 'hunter2hunter2' },
      'resource.aws_db_instance.r0.password: a literal under a secret-looking key "hu…" (14 characters)'],
    ['an Aurora master password', 'aws_rds_cluster', { master_password: 'Sup3rS3cret!' },
      'resource.aws_rds_cluster.r0.master_password: a literal under a secret-looking key "Su…" (12 characters)'],
    ['an ElastiCache AUTH token', 'aws_elasticache_replication_group', { auth_token: 'abcdefghijklmnopqrstuvwxyz' },
      'resource.aws_elasticache_replication_group.r0.auth_token: a literal under a secret-looking key "ab…" (26 characters)'],
    ['a Secrets Manager value', 'aws_secretsmanager_secret_version', { secret_string: 'letmein-please' },
      'resource.aws_secretsmanager_secret_version.r0.secret_string: a literal under a secret-looking key "le…" (14 characters)'],
    ['a Kubernetes Secret with a password in its data', 'kubernetes_secret_v1', { metadata: { name: 'db' }, data: { password: 'p4ssw0rd' } },
      'resource.kubernetes_secret_v1.r0.data.password: Secret data with a secret-looking key holds a literal "p4…" (8 characters)'],
    ['a Kubernetes Secret with an AWS secret key in its data', 'kubernetes_secret_v1', { metadata: { name: 'aws' }, data: { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY' } },
      'resource.kubernetes_secret_v1.r0.data.AWS_SECRET_ACCESS_KEY: Secret data with a secret-looking key holds a literal "wJ…" (38 characters)'],
    ['a password in a container\'s environment', 'kubernetes_deployment_v1', { spec: { template: { spec: { container: [{ name: 'app', env: [{ name: 'DB_PASSWORD', value: 'hunter2' }] }] } } } },
      'resource.kubernetes_deployment_v1.r0.spec.template.spec.container[0].env[0].value: a literal value of "DB_PASSWORD" "hu…" (7 characters)'],
    ['a password in Helm values', 'helm_release', { name: 'valkey', chart: 'valkey', values: [JSON.stringify({ auth: { enabled: true, password: 'changeme' } })] },
      'resource.helm_release.r0.values[0](parsed).auth.password: a literal under a secret-looking key "ch…" (8 characters)'],
    ['a password in YAML Helm values', 'helm_release', { name: 'grafana', chart: 'grafana', values: ['adminUser: admin\nadminPassword: prom-operator\n'] },
      'resource.helm_release.r0.values[0](parsed).adminPassword: a literal under a secret-looking key "pr…" (13 characters)'],
    ['a literal in a Helm set entry', 'helm_release', { name: 'x', chart: 'x', set: [{ name: 'auth.password', value: 'changeme' }] },
      'resource.helm_release.r0.set[0].value: a literal value of "auth.password" "ch…" (8 characters)'],
    ['a literal in Helm set_sensitive', 'helm_release', { name: 'x', chart: 'x', set_sensitive: [{ name: 'license', value: 'ABCD-1234' }] },
      'resource.helm_release.r0.set_sensitive[0].value: a literal in set_sensitive "AB…" (9 characters)'],
    ['a private key', 'kubernetes_config_map_v1', { metadata: { name: 'tls' }, data: { 'tls.key': PRIVATE_KEY } },
      'resource.kubernetes_config_map_v1.r0.data.tls.key: a private key "--…" (79 characters)'],
    ['an AWS access key ID', 'kubernetes_config_map_v1', { metadata: { name: 'aws' }, data: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' } },
      'resource.kubernetes_config_map_v1.r0.data.AWS_ACCESS_KEY_ID: an AWS access key ID "AK…" (20 characters)'],
    ['a JWT', 'kubernetes_config_map_v1', { metadata: { name: 'cfg' }, data: { bearer: JWT } },
      'resource.kubernetes_config_map_v1.r0.data.bearer: a JWT "ey…" (68 characters)'],
    ['a URL with a password', 'kubernetes_config_map_v1', { metadata: { name: 'cfg' }, data: { DATABASE_URL: 'postgresql://app:s3cret@db:5432/app' } },
      'resource.kubernetes_config_map_v1.r0.data.DATABASE_URL: a URL with a password "po…" (35 characters)'],
    ['a token inside a JSON document given as a string', 'aws_ssm_parameter', { name: 'cfg', value: JSON.stringify({ slack: { token: 'not-a-reference' } }) },
      'resource.aws_ssm_parameter.r0.value(parsed).slack.token: a literal under a secret-looking key "no…" (15 characters)'],
  ])('finds %s', (_what, type, attrs, finding) => {
    expect(scanForSecrets(stackWith([[type, attrs]]))).toEqual([finding]);
  });

  test('passes references, templates, generated values and names of secrets', () => {
    const clean = stackWith([
      ['aws_db_instance', { manage_master_user_password: true, password: '${aws_secretsmanager_secret_version.db.secret_string}' }],
      ['aws_elasticache_replication_group', { auth_token: '${data.aws_secretsmanager_random_password.token.random_password}' }],
      ['aws_secretsmanager_secret_version', { secret_string_wo: '${data.aws_secretsmanager_random_password.token.random_password}', secret_string_wo_version: 1 }],
      ['aws_ssm_parameter', { name: 'generated', password_length: 64, exclude_punctuation: true }],
      ['kubernetes_manifest', { manifest: { kind: 'ExternalSecret', spec: {
        data: [{ secretKey: 'password', remoteRef: { key: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db', property: 'password' } }],
        target: { template: { data: { password: '{{ .password }}', url: 'postgresql://app:{{ .password | urlquery }}@db:5432/app' } } },
      } } }],
      ['kubernetes_deployment_v1', { spec: { template: { spec: { container: [{ name: 'app', env: [
        { name: 'DB_PASSWORD', value_from: { secret_key_ref: { name: 'orders-db', key: 'password' } } },
        { name: 'LOG_LEVEL', value: 'info' },
      ] }] } } } }],
      ['helm_release', { name: 'valkey', chart: 'valkey', values: [JSON.stringify({ auth: { usersExistingSecret: 'sessions-valkey-users', aclUsers: { default: { passwordKey: 'default' } } } })] }],
      ['kubernetes_secret_v1', { metadata: { name: 'fulfilment-queue' }, data: { url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q', arn: 'arn:aws:sqs:eu-west-1:123456789012:q' } }],
    ]);
    expect(scanForSecrets(clean)).toEqual([]);
  });

  test('judges keys by their name: holding a secret, or naming one', () => {
    expect(['password', 'master_password', 'auth_token', 'secret_string', 'api_key', 'apiKey', 'AWS_SECRET_ACCESS_KEY', 'client_secret', 'privateKey', 'adminPassword', 'http_token', 'tokens']
      .filter((k) => !isSecretKey(k))).toEqual([]);
    expect(['secretName', 'passwordKey', 'usersExistingSecret', 'secret_arn', 'kms_key_id', 'password_length', 'secret_string_wo_version', 'token_secret_id', 'description', 'http_tokens']
      .filter(isSecretKey)).toEqual([]);
    expect(isReference('${aws_db_instance.x.address}')).toBe(true);
    expect(isReference('{{ .password | urlquery }}')).toBe(true);
    expect(isReference('hunter2')).toBe(false);
  });
});
