/** Reading the delivery model: its checks and the tiers built from it (no synth here: a small model by hand). */
import * as fs from 'fs';
import * as path from 'path';
import type { DeliveryModel } from '../../lib/model';
import { appOf, checkService, checkTier, deployCommand, readModel, tiersOf } from '../../lib/cli/model-file';
import { tempDir } from '../helpers';

const model: DeliveryModel = {
  version: 1,
  tiers: [
    { name: 'prod', order: 30, binding: 'managed', approvalRequired: true, highAvailability: true },
    { name: 'dev', order: 10, binding: 'in-cluster', approvalRequired: false, highAvailability: false },
    { name: 'qa', order: 15, binding: 'managed', approvalRequired: true, highAvailability: false },
  ],
  stacks: [],
  apps: [{
    name: 'shop',
    ledger: 'shop/releases.json',
    tiers: {
      dev: { stack: 'shop-dev', namespace: 'shop', services: [{ name: 'api', image: 'x', connections: [] }, { name: 'web', image: 'y', connections: [] }], dependencies: [] },
      prod: { stack: 'shop-prod', namespace: 'shop', services: [{ name: 'api', image: 'x', connections: [] }], dependencies: [] },
    },
  }],
};
const app = model.apps[0];

function modelFile(content: string): string {
  const dir = tempDir('switchyard-model-');
  fs.writeFileSync(path.join(dir, 'switchyard.json'), content);
  return dir;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but none was thrown');
}

describe('the delivery model, as the CLI reads it', () => {
  test('gives the tiers in promotion order with their approval rule', () => {
    const tiers = tiersOf(readModel(modelFile(JSON.stringify(model)), 'switchyard.json'));
    expect(tiers.names).toEqual(['dev', 'qa', 'prod']);
    expect(tiers.all.map((t) => t.profile.approvalRequired)).toEqual([false, true, true]);
    expect(tiers.all.map((t) => [t.profile.binding, t.profile.highAvailability])).toEqual([['in-cluster', false], ['managed', false], ['managed', true]]);
    // What the model does not carry is the built-in profile of the tier's binding.
    expect(tiers.all.map((t) => t.profile.sizing.replicas)).toEqual([1, 2, 2]);
    expect(tiers.previous('prod')?.name).toBe('qa');
  });

  test.each<[string, string, string]>([
    ['a file that is not JSON', '{"version": 1,',
      '[switchyard.json] the delivery model is not valid JSON: ".*": run `npm run synth` \\(or `cdktf synth`\\) again to rewrite it'],
    ['another version', JSON.stringify({ ...model, version: 2 }),
      '[switchyard.json: version] model version 2 is not supported: this switchyard reads version 1: run `npm run synth` (or `cdktf synth`) again to rewrite it with this version of switchyard'],
    ['no tiers', JSON.stringify({ ...model, tiers: [] }),
      '[switchyard.json: tiers] the model lists no tiers: []: run `npm run synth` (or `cdktf synth`) again to rewrite it'],
    ['a tier without an order', JSON.stringify({ ...model, tiers: [{ name: 'dev', approvalRequired: false }] }),
      '[switchyard.json: tiers[0]] tier {"name":"dev","approvalRequired":false} lacks a name, an order, a binding or approvalRequired: run `npm run synth` (or `cdktf synth`) again to rewrite it'],
    ['an app without stacks', JSON.stringify({ ...model, apps: [{ name: 'shop', tiers: { dev: {} } }] }),
      '[switchyard.json: apps[0]] app "shop" lacks a name, or a stack and services per tier: run `npm run synth` (or `cdktf synth`) again to rewrite it'],
  ])('refuses %s', (_what, content, message) => {
    const m = errorOf(() => readModel(modelFile(content), 'switchyard.json'));
    if (message.includes('.*')) expect(m).toMatch(new RegExp(`^${message.replace(/[[\]]/g, '\\$&')}$`));
    else expect(m).toBe(message);
  });

  test('refuses a missing model, asking for a synth', () => {
    const dir = modelFile('{}');
    expect(errorOf(() => readModel(dir, 'out/switchyard.json'))).toBe(
      `[out/switchyard.json] the delivery model does not exist (${JSON.stringify(path.join(dir, 'out/switchyard.json'))}): run \`npm run synth\` (or \`cdktf synth\`) first: synth writes the model beside cdktf's manifest; or pass --model PATH`);
  });

  test('refuses an app, a tier and a service it does not have', () => {
    expect(appOf(model, 'shop', 'm.json', 'r.json')).toBe(app);
    expect(errorOf(() => appOf({ ...model, apps: [] }, 'shop', 'm.json', 'r.json'))).toBe(
      '[r.json: app] app "shop" is not an app of the delivery model m.json: the model has no app: declare one (an AppStack) and run `npm run synth`');
    expect(errorOf(() => checkTier(tiersOf(model), 'staging', 'm.json', 'r.json'))).toBe(
      '[r.json: tiers] tier "staging" is not known: use one of dev, qa, prod (the tiers of m.json)');
    expect(() => checkService(app, 'dev', 'web', 'm.json', 'r.json')).not.toThrow();
    expect(errorOf(() => checkService(app, 'prod', 'web', 'm.json', 'r.json'))).toBe(
      '[r.json: tiers.prod.web] service "web" is not declared by app "shop" in tier "prod" (m.json): use one of api; or declare it (a BlueGreenService) and run `npm run synth`');
    // qa has no stack of the app: any tier's service will do.
    expect(() => checkService(app, 'qa', 'web', 'm.json', 'r.json')).not.toThrow();
    expect(errorOf(() => checkService(app, 'qa', 'cart', 'm.json', 'r.json'))).toBe(
      '[r.json: tiers.qa.cart] service "cart" is not declared by app "shop" in any tier (m.json): use one of api, web; or declare it (a BlueGreenService) and run `npm run synth`');
  });

  test('the next command deploys the app stack of the tier', () => {
    expect(deployCommand(app, 'prod')).toBe('npx cdktf deploy shop-prod --ignore-missing-stack-dependencies');
    expect(deployCommand(app, 'qa')).toBe('npm run synth  # app "shop" has no stack in tier "qa": add the tier to the program to deploy it');
  });
});
