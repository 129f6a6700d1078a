import { block, blocks, isReference, isTrue, PolicyRule, violation } from '../../rule';

/**
 * SY-EC2-4: launch templates encrypt their EBS volumes.
 *
 * An `aws_launch_template` has `block_device_mappings` and each EBS mapping
 * sets `encrypted = true`. Without mappings the root volume is the AMI's
 * snapshot, encrypted only when the account's EBS encryption by default is on,
 * which the configuration does not state.
 *
 * - Checkov: none for launch templates (CKV_AWS_8 checks instances and launch configurations)
 * - AWS FSBP: EC2.3
 * - Applies in every tier.
 */
export const launchTemplateVolumesEncrypted: PolicyRule = {
  id: 'SY-EC2-4',
  title: 'Launch template volumes encrypted',
  resourceTypes: ['aws_launch_template'],
  appliesIn: 'every-tier',
  checkov: [],
  fsbp: ['EC2.3'],
  check(r) {
    const mappings = blocks(r.config.block_device_mappings).filter((m) => m.virtual_name === undefined && m.no_device === undefined);
    if (mappings.length === 0) {
      return [violation('block_device_mappings is %v, so the root volume is encrypted only if the account\'s EBS default encryption is on', r.config.block_device_mappings,
        'map the root device (e.g. /dev/xvda on Amazon Linux) with ebs { encrypted = true, volume_type = "gp3" }')];
    }
    return mappings
      .filter((m) => { const e = block(m.ebs)?.encrypted; return !isTrue(e) && !isReference(e); })
      .map((m) => violation(`block_device_mappings for ${String(m.device_name)} has ebs.encrypted %v`, block(m.ebs)?.encrypted,
        'set ebs { encrypted = true } (with kms_key_id for a key of your own)'));
  },
};
