/**
 * The operators of the standard add-ons, one module each: {@link CloudNativePg} (in-cluster
 * PostgreSQL) and {@link ExternalSecrets} (every connection secret).
 */
export { CloudNativePg } from './cloudnative-pg';
export { ExternalSecrets } from './external-secrets';
