import * as path from 'path';
import { App, Moved, Policy, TierStack } from '../../lib';
import { raw } from '../policy/support';
import { tiers } from '../fixtures';
import { errorOf, readOutput, tempDir } from '../helpers';

/** A staging stack `things-staging` with the policy pack off (its raw resources are not the point here). */
function stack(): { app: App; stack: TierStack } {
  const app = new App({ outdir: path.join(tempDir(), 'cdktf.out') });
  const s = new TierStack(app, 'things-staging', { tier: tiers().get('staging') });
  Policy.disable(s, 'raw resources that only carry addresses');
  return { app, stack: s };
}

const queue = (s: TierStack, id: string) => raw(s, id, 'aws_sqs_queue', { name: id }, s.aws);
const synthOf = (app: App) => {
  app.synth();
  return readOutput(app.targetOutdir).stacks['things-staging'];
};

describe('Moved', () => {
  test('writes a moved block from the old address to the resource, given as a resource or as an address', () => {
    const { app, stack: s } = stack();
    const orders = queue(s, 'orders_queue');
    queue(s, 'billing_queue');
    Moved.resource(s, 'aws_sqs_queue.fulfilment_queue', orders);
    Moved.resource(s, 'aws_sqs_queue.invoices_queue', 'aws_sqs_queue.billing_queue');
    const out = synthOf(app);
    expect(out.moved).toEqual([
      { from: 'aws_sqs_queue.fulfilment_queue', to: 'aws_sqs_queue.orders_queue' },
      { from: 'aws_sqs_queue.invoices_queue', to: 'aws_sqs_queue.billing_queue' },
    ]);
    // The resource itself stays where it is now.
    expect(Object.keys(out.resource.aws_sqs_queue).sort()).toEqual(['billing_queue', 'orders_queue']);
  });

  test('follows the resource\'s final address, even when its logical ID is set after the move', () => {
    const { app, stack: s } = stack();
    const q = queue(s, 'first');
    Moved.resource(s, 'aws_sqs_queue.old', q);
    q.overrideLogicalId('second');
    expect(synthOf(app).moved).toEqual([{ from: 'aws_sqs_queue.old', to: 'aws_sqs_queue.second' }]);
  });

  test('accepts a chain of moves (a to b, b to c): Terraform follows it', () => {
    const { app, stack: s } = stack();
    queue(s, 'c');
    Moved.resource(s, 'aws_sqs_queue.b', 'aws_sqs_queue.c');
    Moved.resource(s, 'aws_sqs_queue.a', 'aws_sqs_queue.b');
    expect(synthOf(app).moved).toHaveLength(2);
  });

  test('a stack without moves has no moved blocks', () => {
    const { app, stack: s } = stack();
    queue(s, 'q');
    expect(synthOf(app).moved).toBeUndefined();
  });

  test.each<[string, (s: TierStack) => void, string]>([
    ['an old address that is not <type>.<name>', (s) => Moved.resource(s, 'orders_postgres', queue(s, 'q')),
      '[things-staging: moved] from "orders_postgres" is not a resource address: give the old address as <type>.<name>, e.g. "aws_db_instance.orders_postgres"'],
    ['a new address that is not <type>.<name>', (s) => Moved.resource(s, 'aws_sqs_queue.a', 'aws_sqs_queue'),
      '[things-staging: moved] to "aws_sqs_queue" is not a resource address: give the new address as <type>.<name>, or pass the resource itself'],
    ['a move to another type', (s) => Moved.resource(s, 'aws_sns_topic.a', queue(s, 'q')),
      '[things-staging: moved] from "aws_sns_topic.a" is of type aws_sns_topic, the resource it moves to of type aws_sqs_queue: a moved block keeps the resource type: to change the type, import the resource as the new type and remove the old one from the state'],
    ['one old address moved twice', (s) => {
      Moved.resource(s, 'aws_sqs_queue.a', queue(s, 'q'));
      Moved.resource(s, 'aws_sqs_queue.a', queue(s, 'r'));
    }, '[things-staging: moved] from "aws_sqs_queue.a" is moved twice: declare one move per old address'],
    ['a move into another stack', (s) => {
      const other = new TierStack(s.node.scope!, 'other-staging', { tier: s.tier });
      Moved.resource(s, 'aws_sqs_queue.a', queue(other, 'q'));
    }, '[things-staging: moved] to "other-staging/q" is in stack "other-staging", not in "things-staging": a moved block works within one stack (one state); to move a resource to another stack, remove it from the old state and import it into the new one'],
  ])('refuses %s', (_what, declare, message) => {
    expect(errorOf(() => declare(stack().stack))).toBe(message);
  });

  test.each<[string, (s: TierStack) => void, string]>([
    ['a target the stack does not have', (s) => { queue(s, 'q'); Moved.resource(s, 'aws_sqs_queue.a', 'aws_sqs_queue.missing'); },
      'moved block from "aws_sqs_queue.a" goes to "aws_sqs_queue.missing", which the stack does not have: give the address of a resource of things-staging (see its cdk.tf.json)'],
    ['an old address still in use', (s) => { queue(s, 'a'); Moved.resource(s, 'aws_sqs_queue.a', queue(s, 'b')); },
      'moved block from "aws_sqs_queue.a": a resource of the stack still has that address: keep the old address (drop the move) or give that resource another one'],
    ['two moves onto one address', (s) => {
      const q = queue(s, 'q');
      Moved.resource(s, 'aws_sqs_queue.a', q);
      Moved.resource(s, 'aws_sqs_queue.b', q);
    }, 'moved blocks from "aws_sqs_queue.a" and from "aws_sqs_queue.b" both go to "aws_sqs_queue.q": Terraform refuses two moves onto one address; chain them instead (Moved.resource(stack, "aws_sqs_queue.b", "aws_sqs_queue.a"))'],
  ])('refuses at synth %s', (_what, declare, line) => {
    const { app, stack: s } = stack();
    declare(s);
    expect(errorOf(() => app.synth())).toBe(
      `Validation failed with the following errors:\n  [things-staging] ${line}\n\nIf you wish to ignore these validations, pass 'skipValidation: true' to your App configuration.\n`);
  });
});
