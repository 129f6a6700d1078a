/** A service's own IAM role (IRSA): trusted by its service account alone, allowed exactly what it was granted. */
import { IamRole, IamRolePolicy } from '../../private/cdk';
import { irsaTrust, lazyPolicyDocument, Statement } from '../../private/iam';
import type { BlueGreenService } from '../blue-green-service';

/** The role and its policy, which holds `statements()` as they are at synth (grants made later included). */
export function serviceRole(service: BlueGreenService, statements: () => Statement[]): { readonly role: IamRole; readonly policy: IamRolePolicy } {
  const app = service.app;
  const name = service.name;
  const eks = app.platform.eks(app, `service "${name}" (an AWS permission)`);
  const role = new IamRole(service, 'role', {
    provider: app.aws,
    namePrefix: `${app.node.id}-${name}-`.slice(0, 38),
    description: `Service ${name} of ${app.node.id} (IRSA: ${app.namespace}/${name})`,
    assumeRolePolicy: irsaTrust(service, 'role-trust', app.aws, { ...eks, namespace: app.namespace, serviceAccount: name }),
  });
  const policy = new IamRolePolicy(service, 'role-policy', {
    provider: app.aws,
    role: role.id,
    policy: lazyPolicyDocument(service, 'role-access', app.aws, statements),
  });
  return { role, policy };
}
