/**
 * `@switchyard-iac/cdktf/versions`: what Switchyard supports and pins: EKS,
 * PostgreSQL and Valkey versions, the add-on catalog's ids, the images and
 * charts it installs for in-cluster dependencies.
 */
export { DEFAULT_EKS_VERSION, EKS_LOG_TYPES, EKS_VERSIONS } from '../platform/eks-cluster';
export { AURORA_MAJORS, DEFAULT_POSTGRES_VERSION, DEFAULT_VALKEY_VERSION, POSTGRES_VERSIONS, VALKEY_VERSIONS } from '../dependencies/versions';
export { AddonIds } from '../platform/addons/ids';
export { VALKEY_CHART } from '../dependencies/cache';
export { MESSAGING_IMAGE } from '../dependencies/messaging/server';
