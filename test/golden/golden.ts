/**
 * The golden list of stateful addresses: for each example, for each stack,
 * the Terraform addresses (`<type>.<name>`) of its stateful resources (see
 * test/stateful.ts). Terraform keeps a resource's state under its address, so
 * these addresses are public contract: a refactor that changes one makes
 * Terraform destroy the resource, with its data, and create an empty one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Synth } from '../helpers';
import { statefulResources } from '../stateful';

export const GOLDEN_FILE = path.join(__dirname, 'stateful-addresses.json');
export const UPDATE_COMMAND = 'UPDATE_GOLDEN=1 npx jest test/golden';

/** Example -> stack -> sorted addresses. */
export type Addresses = Record<string, Record<string, string[]>>;
/** Example -> stack -> the stack's moved blocks. */
export type Moves = Record<string, Record<string, Array<{ from: string; to: string }>>>;

/** What the examples synthesize now. */
export interface Current {
  /** Stateful addresses (stacks without stateful resources are left out). */
  readonly addresses: Addresses;
  /** The moved blocks of each stack. */
  readonly moves: Moves;
  /** Example -> every stack it has. */
  readonly stacks: Record<string, string[]>;
}

/** The stateful addresses, moved blocks and stacks of synthesized examples. */
export function currentOf(synths: Record<string, Synth>): Current {
  const addresses: Addresses = {};
  const moves: Moves = {};
  const stacks: Record<string, string[]> = {};
  for (const [example, out] of Object.entries(synths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    addresses[example] = {};
    moves[example] = {};
    stacks[example] = Object.keys(out.stacks).sort();
    for (const stack of stacks[example]) {
      const json = out.stacks[stack];
      const found = statefulResources(json).map((r) => r.address);
      if (found.length > 0) addresses[example][stack] = found;
      if (Array.isArray(json.moved)) moves[example][stack] = json.moved;
    }
  }
  return { addresses, moves, stacks };
}

/** The golden file's text for `addresses`. */
export function goldenText(addresses: Addresses): string {
  return `${JSON.stringify({
    '//': `Terraform addresses of the stateful resources of every example, per stack: public contract (a changed address destroys the resource). Regenerate with: ${UPDATE_COMMAND}`,
    ...addresses,
  }, null, 2)}\n`;
}

/** Reads the golden file (without its comment). */
export function readGolden(file = GOLDEN_FILE): Addresses {
  const { '//': _comment, ...addresses } = JSON.parse(fs.readFileSync(file, 'utf8')) as Addresses & { '//'?: string };
  return addresses;
}

/**
 * What differs between the golden addresses and the current ones, explained:
 * each line says what happened and what to do. Empty when they agree.
 */
export function explain(golden: Addresses, current: Current): string[] {
  const gone: string[] = [];
  const moved: string[] = [];
  const added: string[] = [];
  const examples = [...new Set([...Object.keys(golden), ...Object.keys(current.addresses)])].sort();
  for (const example of examples) {
    const before = golden[example] ?? {};
    const now = current.addresses[example] ?? {};
    for (const stack of [...new Set([...Object.keys(before), ...Object.keys(now)])].sort()) {
      const had = before[stack] ?? [];
      const has = now[stack] ?? [];
      const blocks = current.moves[example]?.[stack] ?? [];
      if (!(current.stacks[example] ?? []).includes(stack)) {
        gone.push(`  ${example} / ${stack}: the stack is gone, and with it ${had.join(', ')} (a stack under another name starts from an empty state, which no moved block can fill: keep the stack's name)`);
        continue;
      }
      const named = new Set<string>();
      for (const address of had.filter((a) => !has.includes(a))) {
        const block = blocks.find((b) => b.from === address);
        if (block) {
          moved.push(`  ${example} / ${stack}: ${address} moved to ${block.to} (a moved block says so)`);
        } else {
          const type = address.split('.')[0];
          const candidates = has.filter((a) => a.split('.')[0] === type && !had.includes(a));
          candidates.forEach((c) => named.add(c));
          gone.push(`  ${example} / ${stack}: ${address} is gone${candidates.length ? ` (the stack now has ${candidates.join(', ')} of the same type)` : ''}`);
        }
      }
      for (const address of has.filter((a) => !had.includes(a))) {
        if (!blocks.some((b) => b.to === address) && !named.has(address)) added.push(`  ${example} / ${stack}: ${address}`);
      }
    }
  }
  const out: string[] = [];
  if (gone.length > 0) {
    out.push(
      'Stateful resources whose address is gone: the next apply would destroy them, with their data (in prod, prevent_destroy stops the apply):',
      ...gone,
      'What to do:',
      '  - if the address changed by accident (a construct ID, scope or logical ID changed), change it back;',
      '  - if the move is intended, declare it in the program, in the stack that holds the resource:',
      '      Moved.resource(stack, \'<old address>\', <the resource, or its new address>)',
      `    then record the new address: ${UPDATE_COMMAND}`,
      `  - if the resource is removed on purpose, take it out of every deployment's state first (a \`removed\` block, or terraform state rm), then: ${UPDATE_COMMAND}`,
    );
  }
  if (moved.length > 0) {
    out.push('Stateful resources moved by a moved block: Terraform keeps their state. Record the new addresses:', ...moved, `  run: ${UPDATE_COMMAND}`);
  }
  if (added.length > 0) {
    out.push('Stateful resources not in the golden file yet (new ones): check that prod protects them, then record them:', ...added, `  run: ${UPDATE_COMMAND}`);
  }
  return out;
}
