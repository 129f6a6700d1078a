/**
 * The stateful addresses of every example against the committed golden file
 * (test/golden/stateful-addresses.json). A refactor that moves one fails here
 * with what to do; `UPDATE_GOLDEN=1 npx jest test/golden` records the
 * addresses once the move is declared (or the change is intended).
 */
import * as fs from 'fs';
import { AddonsStack, App, AppStack, ExternalSecrets, Moved, PlatformStack, Postgres, ReleaseLedger, Tiers } from '../../lib';
import { synth } from '../helpers';
import { synthExamples } from '../stateful';
import { Current, currentOf, explain, GOLDEN_FILE, goldenText, readGolden, UPDATE_COMMAND } from './golden';

let current: Current;
beforeAll(() => {
  current = currentOf(synthExamples());
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN_FILE, goldenText(current.addresses));
});

describe('stateful addresses', () => {
  test('every example keeps the stateful addresses of the golden file', () => {
    const problems = explain(readGolden(), current);
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });

  test('the golden file is the one the command writes, and lists what the examples are known to hold', () => {
    expect(fs.readFileSync(GOLDEN_FILE, 'utf8')).toBe(goldenText(readGolden()));
    const golden = readGolden();
    expect(golden.shop['shop-prod']).toEqual(expect.arrayContaining([
      'aws_db_instance.orders_postgres', 'aws_elasticache_replication_group.sessions_cache', 'aws_sqs_queue.fulfilment_dlq', 'aws_sqs_queue.fulfilment_queue',
    ]));
    expect(golden.shop['shop-dev']).toEqual(expect.arrayContaining(['helm_release.sessions_cache', 'kubernetes_manifest.orders_postgres']));
    expect(golden['app-team']['payments-prod']).toEqual(['aws_db_instance.ledger_postgres', 'aws_kms_key.alerts_key', 'aws_kms_key.ledger_key']);
    expect(Object.keys(golden).sort()).toEqual(['app-team', 'platform-team', 'shop']);
  });
});

describe('what the golden check says', () => {
  const base = (): Current => ({
    addresses: { shop: { 'shop-prod': ['aws_db_instance.orders_postgres', 'aws_sqs_queue.fulfilment_queue'] } },
    moves: { shop: {} },
    stacks: { shop: ['platform-prod', 'shop-prod'] },
  });
  const golden = base().addresses;

  test('nothing when the addresses agree', () => {
    expect(explain(golden, base())).toEqual([]);
  });

  test('an address gone without a moved block: put it back, or declare the move and record it', () => {
    const now = base();
    now.addresses.shop['shop-prod'] = ['aws_db_instance.sales_postgres', 'aws_sqs_queue.fulfilment_queue'];
    expect(explain(golden, now)).toEqual([
      'Stateful resources whose address is gone: the next apply would destroy them, with their data (in prod, prevent_destroy stops the apply):',
      '  shop / shop-prod: aws_db_instance.orders_postgres is gone (the stack now has aws_db_instance.sales_postgres of the same type)',
      'What to do:',
      '  - if the address changed by accident (a construct ID, scope or logical ID changed), change it back;',
      '  - if the move is intended, declare it in the program, in the stack that holds the resource:',
      '      Moved.resource(stack, \'<old address>\', <the resource, or its new address>)',
      `    then record the new address: ${UPDATE_COMMAND}`,
      `  - if the resource is removed on purpose, take it out of every deployment's state first (a \`removed\` block, or terraform state rm), then: ${UPDATE_COMMAND}`,
    ]);
  });

  test('an address moved by a moved block: record the new one', () => {
    const now = base();
    now.addresses.shop['shop-prod'] = ['aws_db_instance.sales_postgres', 'aws_sqs_queue.fulfilment_queue'];
    now.moves.shop['shop-prod'] = [{ from: 'aws_db_instance.orders_postgres', to: 'aws_db_instance.sales_postgres' }];
    expect(explain(golden, now)).toEqual([
      'Stateful resources moved by a moved block: Terraform keeps their state. Record the new addresses:',
      '  shop / shop-prod: aws_db_instance.orders_postgres moved to aws_db_instance.sales_postgres (a moved block says so)',
      `  run: ${UPDATE_COMMAND}`,
    ]);
  });

  test('a new stateful resource: check its protection, then record it', () => {
    const now = base();
    now.addresses.shop['shop-prod'] = [...now.addresses.shop['shop-prod'], 'aws_s3_bucket.exports'];
    expect(explain(golden, now)).toEqual([
      'Stateful resources not in the golden file yet (new ones): check that prod protects them, then record them:',
      '  shop / shop-prod: aws_s3_bucket.exports',
      `  run: ${UPDATE_COMMAND}`,
    ]);
  });

  test('a stack gone (renamed): no moved block can help', () => {
    const now = base();
    now.addresses.shop = { 'store-prod': golden.shop['shop-prod'] };
    now.stacks.shop = ['platform-prod', 'store-prod'];
    expect(explain(golden, now)).toEqual(expect.arrayContaining([
      '  shop / shop-prod: the stack is gone, and with it aws_db_instance.orders_postgres, aws_sqs_queue.fulfilment_queue (a stack under another name starts from an empty state, which no moved block can fill: keep the stack\'s name)',
      'Stateful resources not in the golden file yet (new ones): check that prod protects them, then record them:',
    ]));
  });

  test('a real rename of a database with Moved.resource is seen as a move', () => {
    const tiers = Tiers.standard({ staging: { region: 'eu-west-1' }, prod: { region: 'eu-west-1' } });
    const build = (name: string, move: boolean) => synth((app: App) => {
      const tier = tiers.get('prod');
      const addons = new AddonsStack(app, { tier, platform: new PlatformStack(app, { tier }).ref, addons: [new ExternalSecrets()] });
      const stack = new AppStack(app, 'shop', { tier, platform: addons.ref, ledger: ReleaseLedger.empty('shop', tiers) });
      const db = new Postgres(stack, name);
      // The database and the key that encrypts it (prod asks for customer-managed keys) move together.
      if (move) {
        Moved.resource(stack, 'aws_db_instance.orders_postgres', db.instance!);
        Moved.resource(stack, 'aws_kms_key.orders_key', db.key!);
      }
    });
    const before = currentOf({ shop: build('orders', false) });
    const renamed = currentOf({ shop: build('sales', false) });
    const declared = currentOf({ shop: build('sales', true) });
    expect(explain(before.addresses, renamed)).toEqual(expect.arrayContaining([
      '  shop / shop-prod: aws_db_instance.orders_postgres is gone (the stack now has aws_db_instance.sales_postgres of the same type)',
      '  shop / shop-prod: aws_kms_key.orders_key is gone (the stack now has aws_kms_key.sales_key of the same type)',
    ]));
    expect(explain(before.addresses, declared)).toEqual(expect.arrayContaining([
      '  shop / shop-prod: aws_db_instance.orders_postgres moved to aws_db_instance.sales_postgres (a moved block says so)',
      '  shop / shop-prod: aws_kms_key.orders_key moved to aws_kms_key.sales_key (a moved block says so)',
    ]));
  });
});
