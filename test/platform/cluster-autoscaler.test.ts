/**
 * cluster-autoscaler runs the image of the cluster's Kubernetes minor: picked
 * at synth when the version is known then (a PlatformStack of the program),
 * at plan from the table when it is a reference (another repository's
 * cluster, by name or from its state).
 */
import * as path from 'path';
import { AddonsStack, App, Backend, ClusterAutoscaler, ConfigurationError, PlatformRef, PlatformStack } from '../../lib';
import { EKS_VERSIONS } from '../../lib/platform/eks-cluster';
import { tiers } from '../fixtures';
import { StackJson, synth, tempDir } from '../helpers';

const t = tiers();
const staging = t.get('staging');

/** The helm_release of the autoscaler in a stack: its values (parsed) and its lifecycle. */
function release(stack: StackJson): { values: any; lifecycle: any } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = stack.resource.helm_release.addon_cluster_autoscaler;
  return { values: JSON.parse(r.values[0]), lifecycle: r.lifecycle };
}

test('the table has a released tag of the same minor for every Kubernetes version EKS clusters may run', () => {
  expect(Object.keys(ClusterAutoscaler.IMAGE_TAGS).sort()).toEqual([...EKS_VERSIONS].sort());
  for (const [minor, tag] of Object.entries(ClusterAutoscaler.IMAGE_TAGS)) expect(tag).toMatch(new RegExp(`^v${minor.replace('.', '\\.')}\\.\\d+$`));
});

test('in one repository the tag of the cluster\'s minor is set at synth, with its repository; imageTag overrides it', () => {
  const out = synth((app) => {
    EKS_VERSIONS.forEach((version, i) => {
      const name = `p${version.replace('.', '')}`;
      const platform = new PlatformStack(app, { tier: staging, name, network: { cidr: `10.${40 + i}.0.0/16` }, cluster: { version } }).ref;
      new AddonsStack(app, { tier: staging, name: `a${version.replace('.', '')}`, platform, addons: [new ClusterAutoscaler()] });
    });
    const platform = new PlatformStack(app, { tier: staging, name: 'pinned' }).ref;
    new AddonsStack(app, { tier: staging, name: 'pinned-addons', platform, addons: [new ClusterAutoscaler({ imageTag: 'v1.35.0' })] });
  });
  for (const version of EKS_VERSIONS) {
    const { values, lifecycle } = release(out.stacks[`a${version.replace('.', '')}-staging`]);
    expect(values.image).toEqual({ repository: 'registry.k8s.io/autoscaling/cluster-autoscaler', tag: ClusterAutoscaler.IMAGE_TAGS[version] });
    expect(lifecycle).toBeUndefined();
    expect(out.stacks[`a${version.replace('.', '')}-staging`].locals).toBeUndefined();
  }
  // The default cluster (1.35) and one other, as released.
  expect(release(out.stacks['a135-staging']).values.image.tag).toBe('v1.35.1');
  expect(release(out.stacks['a132-staging']).values.image.tag).toBe('v1.32.7');
  expect(release(out.stacks['pinned-addons-staging']).values.image.tag).toBe('v1.35.0');
});

test('across repositories the tag is the table indexed by the cluster\'s version at plan, behind a precondition that names the fix', () => {
  const out = synth((app) => {
    new AddonsStack(app, { tier: staging, name: 'byname', platform: PlatformRef.fromEksCluster({ clusterName: 'acme-staging', region: 'eu-west-1' }), addons: [new ClusterAutoscaler()] });
    new AddonsStack(app, {
      tier: staging, name: 'bystate', platform: PlatformRef.fromRemoteState({ backend: Backend.s3({ bucket: 'acme-platform-state', region: 'eu-west-1' }), stack: 'platform-staging' }),
      addons: [new ClusterAutoscaler()],
    });
    new AddonsStack(app, { tier: staging, name: 'pinned', platform: PlatformRef.fromEksCluster({ clusterName: 'acme-staging', region: 'eu-west-1' }), addons: [new ClusterAutoscaler({ imageTag: 'v1.34.4' })] });
  });
  const forms = {
    'byname-staging': 'data.aws_eks_cluster.platform-cluster.version',
    'bystate-staging': 'data.terraform_remote_state.platform-state.outputs.kubernetes_version',
  };
  for (const [stack, version] of Object.entries(forms)) {
    const { values, lifecycle } = release(out.stacks[stack]);
    expect(out.stacks[stack].locals).toEqual({ cluster_autoscaler_image_tags: ClusterAutoscaler.IMAGE_TAGS });
    // An index without a default: a minor the table lacks fails the plan, never falls back to the chart's image.
    expect(values.image).toEqual({ repository: 'registry.k8s.io/autoscaling/cluster-autoscaler', tag: `\${local.cluster_autoscaler_image_tags[${version}]}` });
    expect(lifecycle.precondition).toEqual([{
      condition: `\${contains(keys(local.cluster_autoscaler_image_tags), ${version})}`,
      error_message: `cluster-autoscaler has no image for Kubernetes version \${${version}}: give ClusterAutoscaler an imageTag of that minor (the table has 1.32, 1.33, 1.34, 1.35, 1.36)`,
    }]);
  }
  const pinned = release(out.stacks['pinned-staging']);
  expect(pinned.values.image.tag).toBe('v1.34.4');
  expect(pinned.lifecycle).toBeUndefined();
  expect(out.stacks['pinned-staging'].locals).toBeUndefined();
});

test('a version known at synth that the table lacks is refused, naming the add-on and the fix; imageTag is the way out', () => {
  // Unreachable through PlatformStack today (EksCluster accepts only EKS_VERSIONS, which the table covers):
  // a platform whose attributes say 1.31 stands for a version EKS_VERSIONS gains before the table does.
  const real = PlatformRef.fromEksCluster({ clusterName: 'acme-staging', region: 'eu-west-1' });
  const old = new PlatformRef(real.connection, (stack) => ({ ...real.eks(stack, 'test'), kubernetesVersion: '1.31' }), new Set(), undefined, []);
  const app = () => new App({ outdir: path.join(tempDir(), 'cdktf.out') });
  let refusal: unknown;
  try {
    new AddonsStack(app(), { tier: staging, platform: old, addons: [new ClusterAutoscaler()] });
  } catch (e) {
    refusal = e;
  }
  expect(refusal).toBeInstanceOf(ConfigurationError);
  expect((refusal as Error).message).toBe('[addons-staging] cluster-autoscaler has no image for Kubernetes version "1.31": '
    + 'give ClusterAutoscaler the imageTag of a cluster-autoscaler release of that minor (e.g. "v1.31.0"); the table has 1.32, 1.33, 1.34, 1.35, 1.36');
  const pinned = new AddonsStack(app(), { tier: staging, platform: old, addons: [new ClusterAutoscaler({ imageTag: 'v1.31.4' })] });
  expect(pinned.installed.get('cluster-autoscaler')).toHaveLength(1);
});
