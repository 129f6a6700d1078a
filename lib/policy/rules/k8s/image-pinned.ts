import { isReference, PolicyRule, Violation, violation } from '../../rule';
import { containersOf, WORKLOAD_TYPES } from './workload';

/** The tag of an image reference (undefined when it has none), ignoring a registry port. */
export function imageTag(image: string): string | undefined {
  const last = image.split('/').pop() ?? image;
  const i = last.indexOf(':');
  return i >= 0 ? last.slice(i + 1) : undefined;
}

/** Tags that name a branch or a channel, moved to each new build, rather than one build. */
const MOVING_TAGS = new Set(['latest', 'main', 'master', 'develop', 'dev', 'edge', 'nightly', 'stable', 'head', 'canary', 'snapshot']);

/**
 * SY-K8S-3: every image is pinned: by a release tag, or by digest.
 *
 * `image` of each container and init container is `<repo>@sha256:<digest>`,
 * or `<repo>:<tag>` with a tag that is not a moving one (`latest`, and the
 * branch or channel names `main`, `master`, `develop`, `dev`, `edge`,
 * `nightly`, `stable`, `head`, `canary`, `snapshot`). An image without a tag
 * means `latest`. A registry port (`registry:5000/app`) is not a tag.
 *
 * - Checkov: CKV_K8S_14 (tag not latest or blank), CKV_K8S_43 (digest); for Terraform, Checkov's CKV_K8S_14 reads a registry port as a tag and stops at the first tagged container
 * - AWS FSBP: none
 * - Applies in every tier.
 */
export const k8sImagePinned: PolicyRule = {
  id: 'SY-K8S-3',
  title: 'Image pinned by release tag or digest',
  resourceTypes: WORKLOAD_TYPES,
  appliesIn: 'every-tier',
  checkov: ['CKV_K8S_14', 'CKV_K8S_43'],
  fsbp: [],
  check(r) {
    const out: Violation[] = [];
    for (const c of containersOf(r)) {
      const image = c.config.image;
      if (isReference(image) || (typeof image === 'string' && /@sha256:[0-9a-f]{64}$/.test(image))) continue;
      const tag = typeof image === 'string' ? imageTag(image.split('@')[0]) : undefined;
      if (tag && !MOVING_TAGS.has(tag.toLowerCase())) continue;
      out.push(violation(`${c.label} runs image %v, ${image === undefined ? 'which is not set' : tag ? `the moving "${tag}" tag` : 'with no tag, which means "latest"'}`, image,
        'pin the image to a release tag (e.g. "ghcr.io/acme/api:1.4.0") or a digest ("...@sha256:<digest>") so every node runs the same build'));
    }
    return out;
  },
};
