import { Construct, ITerraformDependable, StorageClassV1 } from '../../private/cdk';
import { Addon, AddonContext } from './addon';
import { AddonIds } from './ids';

/**
 * The default StorageClass `gp3` on EKS: encrypted gp3 volumes from the EBS
 * CSI driver (an EKS add-on of the cluster), bound where the pod is
 * scheduled, expandable. New EKS clusters have no default StorageClass, so
 * volumes of in-cluster services wait forever without one.
 */
export class Gp3StorageClass extends Addon {
  public readonly id = AddonIds.gp3StorageClass;

  public _install(scope: Construct, ctx: AddonContext): ITerraformDependable[] {
    ctx.platform.eks(ctx.stack, `add-on "${this.id}"`);
    return [new StorageClassV1(scope, this.id, {
      provider: ctx.stack.kubernetes,
      metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      storageProvisioner: 'ebs.csi.aws.com',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      reclaimPolicy: ctx.tier.profile.deletionProtection ? 'Retain' : 'Delete',
      parameters: { type: 'gp3', encrypted: 'true' },
      dependsOn: ctx.after,
    })];
  }
}
