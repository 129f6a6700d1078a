/** The Switchyard rule pack: every rule, in the order of the report and of docs/RULES.md. */
import type { PolicyRule } from '../rule';
import { dataFinalSnapshot } from './data/final-snapshot';
import { dataPreventDestroy } from './data/prevent-destroy';
import { defaultSecurityGroupClosed } from './ec2/default-security-group-closed';
import { ec2Imdsv2 } from './ec2/imdsv2';
import { launchTemplateVolumesEncrypted } from './ec2/launch-template-volumes-encrypted';
import { noPublicIngress } from './ec2/no-public-ingress';
import { eksControlPlaneLogs } from './eks/control-plane-logs';
import { eksEndpointNotPublic } from './eks/endpoint-not-public';
import { eksSecretsEncryption } from './eks/secrets-encryption';
import { cacheAtRestEncryption } from './elasticache/at-rest-encryption';
import { cacheAuthentication } from './elasticache/authentication';
import { cacheFailover } from './elasticache/failover';
import { cacheInTransitEncryption } from './elasticache/in-transit-encryption';
import { k8sDropCapabilities } from './k8s/drop-capabilities';
import { k8sImagePinned } from './k8s/image-pinned';
import { k8sNoHostAccess } from './k8s/no-host-access';
import { k8sNoPrivilegeEscalation } from './k8s/no-privilege-escalation';
import { k8sNoServiceAccountToken } from './k8s/no-service-account-token';
import { k8sNotDefaultNamespace } from './k8s/not-default-namespace';
import { k8sNotPrivileged } from './k8s/not-privileged';
import { k8sProbes } from './k8s/probes';
import { k8sReadOnlyRootFilesystem } from './k8s/read-only-root-filesystem';
import { k8sResources } from './k8s/resources';
import { k8sRunAsNonRoot } from './k8s/run-as-non-root';
import { k8sSeccomp } from './k8s/seccomp';
import { customerManagedKeys } from './kms/customer-managed-keys';
import { kmsKeyRotation } from './kms/key-rotation';
import { logsAuditRetention } from './logs/audit-retention';
import { logsEncrypted } from './logs/encrypted';
import { logsRetention } from './logs/retention';
import { rdsAutoMinorVersionUpgrade } from './rds/auto-minor-version-upgrade';
import { rdsBackupRetention } from './rds/backup-retention';
import { rdsCopyTagsToSnapshot } from './rds/copy-tags-to-snapshot';
import { rdsDeletionProtection } from './rds/deletion-protection';
import { rdsIamAuthentication } from './rds/iam-authentication';
import { rdsLogExports } from './rds/log-exports';
import { rdsMultiAz } from './rds/multi-az';
import { rdsNotPublic } from './rds/not-public';
import { rdsStorageEncrypted } from './rds/storage-encrypted';
import { rdsTlsForced } from './rds/tls-forced';
import { snsEncrypted } from './sns/encrypted';
import { snsSubscriptionDeadLetterQueue } from './sns/subscription-dead-letter-queue';
import { sqsDeadLetterQueue } from './sqs/dead-letter-queue';
import { sqsEncrypted } from './sqs/encrypted';

export { PUBLIC_EXPOSURE_TAG, PUBLIC_EXPOSURE_VALUE } from './ec2/no-public-ingress';

/** Every rule of the Switchyard pack. */
export const SWITCHYARD_RULES: readonly PolicyRule[] = Object.freeze([
  rdsStorageEncrypted, rdsNotPublic, rdsMultiAz, rdsDeletionProtection, rdsBackupRetention, rdsIamAuthentication,
  rdsAutoMinorVersionUpgrade, rdsLogExports, rdsCopyTagsToSnapshot, rdsTlsForced,
  sqsEncrypted, sqsDeadLetterQueue,
  snsEncrypted, snsSubscriptionDeadLetterQueue,
  cacheAtRestEncryption, cacheInTransitEncryption, cacheAuthentication, cacheFailover,
  eksEndpointNotPublic, eksControlPlaneLogs, eksSecretsEncryption,
  k8sProbes, k8sResources, k8sImagePinned, k8sNotPrivileged, k8sNoPrivilegeEscalation, k8sReadOnlyRootFilesystem,
  k8sRunAsNonRoot, k8sSeccomp, k8sDropCapabilities, k8sNotDefaultNamespace, k8sNoServiceAccountToken, k8sNoHostAccess,
  noPublicIngress, defaultSecurityGroupClosed, ec2Imdsv2, launchTemplateVolumesEncrypted,
  kmsKeyRotation, customerManagedKeys,
  logsEncrypted, logsRetention, logsAuditRetention,
  dataPreventDestroy, dataFinalSnapshot,
]);
