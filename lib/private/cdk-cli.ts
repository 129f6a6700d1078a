/**
 * The command of the CDK framework's CLI, as the `switchyard` command prints
 * it (`npx cdktf deploy shop-prod`, the steps of generated pipelines). A move
 * to CDK Terrain changes it to `cdktn` here, and nowhere else in lib/ (with
 * the package names in lib/private/cdk.ts and package.json). Its own module,
 * so the CLI prints it without loading the framework.
 */
export const CDKTF_CLI = 'cdktf';
