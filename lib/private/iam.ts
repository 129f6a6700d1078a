import { AwsProvider, Construct, DataAwsIamPolicyDocument, Lazy } from './cdk';

/** One IAM policy statement. */
export interface Statement {
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: string[];
  /** @default - none (trust policies) */
  readonly resources?: string[];
  readonly principals?: Array<{ readonly type: string; readonly identifiers: string[] }>;
  readonly conditions?: Array<{ readonly test: string; readonly variable: string; readonly values: string[] }>;
}

/**
 * An IAM policy document (the `aws_iam_policy_document` data source, which
 * takes references anywhere, condition keys included) and its JSON.
 */
export function policyDocument(scope: Construct, id: string, provider: AwsProvider, statements: Statement[]): string {
  return new DataAwsIamPolicyDocument(scope, id, {
    provider,
    statement: statements.map((s) => ({
      effect: s.effect ?? 'Allow',
      actions: s.actions,
      resources: s.resources,
      principals: s.principals,
      condition: s.conditions,
    })),
  }).json;
}

/** Trust policy for an AWS service principal, e.g. `eks.amazonaws.com`. */
export function serviceTrust(scope: Construct, id: string, provider: AwsProvider, service: string, actions: string[] = ['sts:AssumeRole']): string {
  return policyDocument(scope, id, provider, [{ actions, principals: [{ type: 'Service', identifiers: [service] }] }]);
}

/** What an IRSA trust policy needs: the cluster's OIDC provider and the service account it trusts. */
export interface IrsaSubject {
  readonly oidcProviderArn: string;
  /** Issuer without `https://`. */
  readonly oidcIssuer: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** Trust policy that lets one Kubernetes service account assume the role (IRSA). */
export function irsaTrust(scope: Construct, id: string, provider: AwsProvider, s: IrsaSubject): string {
  return policyDocument(scope, id, provider, [{
    actions: ['sts:AssumeRoleWithWebIdentity'],
    principals: [{ type: 'Federated', identifiers: [s.oidcProviderArn] }],
    conditions: [
      { test: 'StringEquals', variable: `${s.oidcIssuer}:sub`, values: [`system:serviceaccount:${s.namespace}:${s.serviceAccount}`] },
      { test: 'StringEquals', variable: `${s.oidcIssuer}:aud`, values: ['sts.amazonaws.com'] },
    ],
  }]);
}

/**
 * A policy document whose statements are known only at synth (grants added
 * after construction): the same data source, its statements produced lazily.
 */
export function lazyPolicyDocument(scope: Construct, id: string, provider: AwsProvider, statements: () => Statement[]): string {
  return new DataAwsIamPolicyDocument(scope, id, {
    provider,
    // A lazy value bypasses the binding's mapping: it is written in Terraform's own keys.
    statement: Lazy.anyValue({
      produce: () => statements().map((s) => ({
        effect: s.effect ?? 'Allow',
        actions: s.actions,
        ...(s.resources ? { resources: s.resources } : {}),
        ...(s.principals ? { principals: s.principals } : {}),
        ...(s.conditions ? { condition: s.conditions } : {}),
      })),
    }),
  }).json;
}
