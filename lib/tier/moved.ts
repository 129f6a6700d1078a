import { Lazy, TerraformResource, TerraformStack } from '../private/cdk';
import { fail } from '../private/errors';

/** A Terraform resource address in a stack's root module: `<type>.<name>`. */
const ADDRESS = /^([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)$/;

/** One move, `from` an old address `to` a resource of the stack (or its address). */
interface Move {
  readonly from: string;
  readonly to: string | TerraformResource;
}

const MOVES = new WeakMap<TerraformStack, Move[]>();

/** The address Terraform knows a resource by: `<type>.<logical id>`. */
function addressOf(r: TerraformResource): string {
  return `${r.terraformResourceType}.${r.friendlyUniqueId}`;
}

/**
 * Terraform `moved` blocks: how a resource keeps its state (and its data) when
 * its address changes.
 *
 * The address of a stateful resource (`aws_db_instance.orders_postgres`) is
 * public contract: Terraform knows the database by it. A refactor that gives
 * the resource another address (a new construct ID or scope, a renamed
 * dependency) makes Terraform plan to destroy the old resource and create an
 * empty new one, unless the stack says the resource moved:
 *
 * ```ts
 * // The database used to live at aws_db_instance.orders_postgres.
 * Moved.resource(stack, 'aws_db_instance.orders_postgres', billing.instance!);
 * ```
 *
 * Keep the move in the program until every deployment of the stack has
 * applied it. A move never crosses stacks: each stack has its own state.
 */
export class Moved {
  /**
   * Declares that the resource `to` of `stack` was at the address `from`
   * before; the stack gets a `moved { from, to }` block.
   *
   * @param stack the stack that holds the resource, and held it at its old address
   * @param from the old address, `<type>.<name>` (as `terraform state list` or the golden file of stateful addresses show it)
   * @param to the resource at its new address, or that address
   */
  public static resource(stack: TerraformStack, from: string, to: string | TerraformResource): void {
    const where = `${stack.node.path}: moved`;
    const old = ADDRESS.exec(from);
    if (!old) fail(where, 'from %v is not a resource address', from, 'give the old address as <type>.<name>, e.g. "aws_db_instance.orders_postgres"');
    if (typeof to === 'string') {
      if (!ADDRESS.test(to)) fail(where, 'to %v is not a resource address', to, 'give the new address as <type>.<name>, or pass the resource itself');
    } else if (TerraformStack.of(to) !== stack) {
      fail(where, `to %v is in stack "${TerraformStack.of(to).node.id}", not in "${stack.node.id}"`, to.node.path,
        'a moved block works within one stack (one state); to move a resource to another stack, remove it from the old state and import it into the new one');
    }
    const type = typeof to === 'string' ? to.split('.')[0] : to.terraformResourceType;
    if (type !== old[1]) {
      fail(where, `from %v is of type ${old[1]}, the resource it moves to of type ${type}`, from,
        'a moved block keeps the resource type: to change the type, import the resource as the new type and remove the old one from the state');
    }
    let moves = MOVES.get(stack);
    if (!moves) {
      moves = [];
      MOVES.set(stack, moves);
      const list = moves;
      stack.node.addValidation({ validate: () => check(stack, list) });
    }
    if (moves.some((m) => m.from === from)) fail(where, 'from %v is moved twice', from, 'declare one move per old address');
    const move = { from, to };
    moves.push(move);
    // A plain list, so cdktf adds it to the moved blocks of its own (moveTo, moveFromId), if any.
    stack.addOverride('moved', moves.map((m) => ({
      from: m.from,
      to: typeof m.to === 'string' ? m.to : Lazy.stringValue({ produce: () => addressOf(m.to as TerraformResource) }),
    })));
  }
}

/**
 * What Terraform would refuse, found at synth: a target the stack does not have, two moves onto one
 * address, an old address still in use, a move onto itself. Chains (a to b, b to c) are fine.
 */
function check(stack: TerraformStack, moves: Move[]): string[] {
  const addresses = new Set(stack.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource).map(addressOf));
  const errors: string[] = [];
  const targets = new Map<string, string>();
  for (const m of moves) {
    const to = typeof m.to === 'string' ? m.to : addressOf(m.to);
    const earlier = targets.get(to);
    if (earlier !== undefined) {
      errors.push(`moved blocks from "${earlier}" and from "${m.from}" both go to "${to}": Terraform refuses two moves onto one address; chain them instead (Moved.resource(stack, "${m.from}", "${earlier}"))`);
    }
    targets.set(to, m.from);
    if (to === m.from) {
      errors.push(`moved block from "${m.from}" moves the resource onto itself: drop the move (the resource is at its old address)`);
    } else if (!addresses.has(to) && !moves.some((n) => n.from === to)) {
      errors.push(`moved block from "${m.from}" goes to "${to}", which the stack does not have: give the address of a resource of ${stack.node.id} (see its cdk.tf.json)`);
    }
    if (addresses.has(m.from)) {
      errors.push(`moved block from "${m.from}": a resource of the stack still has that address: keep the old address (drop the move) or give that resource another one`);
    }
  }
  return errors;
}
