/**
 * `@switchyard-iac/cdktf/model`: the delivery model a synth writes beside the
 * stacks (`switchyard.json`), for tools that read it (the CLI is one).
 */
export { buildModel, DeliveryModel, MODEL_FILE, ModelApp, ModelAppTier, ModelDependency, ModelGrant, ModelService, ModelStack, ModelTier } from '../model';
