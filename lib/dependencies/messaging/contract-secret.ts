import { AppStack } from '../../app-stack';
import { Construct, SecretV1 } from '../../private/cdk';

/** A contract secret whose values are not secret (names, ARNs, endpoints): written by Terraform directly. */
export function contractSecret(scope: Construct, app: AppStack, name: string, data: Record<string, string>): SecretV1 {
  return new SecretV1(scope, 'connection-secret', {
    provider: app.kubernetes,
    metadata: { name, namespace: app.namespace, labels: { 'app.kubernetes.io/part-of': app.appName, 'app.kubernetes.io/managed-by': 'switchyard' } },
    data,
    dependsOn: [app.namespaceResource],
  });
}
