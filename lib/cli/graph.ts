/**
 * `switchyard graph`: the delivery as a Mermaid flowchart, from the delivery
 * model and the release ledgers: the tiers in promotion order, their stacks
 * and the order they deploy in, each app's dependencies (bound in the cluster
 * or managed in that tier) and services, and each service's blue and green
 * slots with their versions and the share of traffic each one takes.
 *
 * The same model and ledgers give the same bytes: nodes and edges come in the
 * model's order, node ids are derived from names (only letters, digits and
 * `_`), and every label is quoted with its special characters escaped.
 */
import * as path from 'path';
import type { DeliveryModel, ModelApp, ModelAppTier, ModelStack, ModelTier } from '../model';
import { CDKTF_CLI } from '../private/cdk-cli';
import { fail } from '../private/errors';
import { generatedMark, writeGeneratedFile } from './output';
import { LedgerData, otherSlot, ReleaseLedger, ServiceRelease, Slot, SLOTS, versionIn } from '../release/ledger';
import { FlagSpec, parseArgs, ParsedArgs } from './args';
import { CliIo, Command, refusing, UsageError } from './io';
import { readLedgerText } from './ledger-file';
import { appOf, DEFAULT_MODEL, readModel, tiersOf } from './model-file';

export const name = 'graph';
export const usage = 'graph [--tier T] [--out FILE] [--model PATH] [--ledger PATH]';
export const flags: FlagSpec = { model: 'string', ledger: 'string', tier: 'string', out: 'string' };

const SYNTH_AGAIN = `run \`npm run synth\` (or \`${CDKTF_CLI} synth\`) again to rewrite it with this version of switchyard`;

/** What the graph is drawn from. */
export interface GraphInput {
  readonly model: DeliveryModel;
  /** The ledger of each app of the model, by app name. */
  readonly ledgers: Readonly<Record<string, LedgerData>>;
  /** Draw only this tier. */
  readonly tier?: string;
}

/** The diagram's lines: a Mermaid `flowchart`, without the Markdown fence. */
export function renderGraph(input: GraphInput): string[] {
  return new Graph(input).render();
}

/** Prints the diagram, or writes it to `--out`. */
export const run: Command = refusing((args: string[], io: CliIo): number => {
  let p: ParsedArgs;
  try {
    p = parseArgs(args, flags, 0);
    for (const name of Object.keys(p.flags)) {
      if (p.flags[name] === '') throw new UsageError(`--${name} needs a value`);
    }
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${name}: ${e.message}\nusage: switchyard ${usage}`);
    throw e;
  }
  const flag = (name: string) => p.flags[name] as string | undefined;
  const modelFile = flag('model') ?? DEFAULT_MODEL;
  const model = readModel(io.cwd, modelFile);
  checkGraphable(model, modelFile);
  const tier = flag('tier');
  if (tier !== undefined && !model.tiers.some((t) => t.name === tier)) {
    fail('--tier', 'tier %v is not known', tier, `use one of ${model.tiers.map((t) => t.name).join(', ')} (the tiers of ${modelFile})`);
  }
  const lines = renderGraph({ model, ledgers: readLedgers(io, model, modelFile, flag('ledger')), ...(tier !== undefined ? { tier } : {}) });
  const out = flag('out');
  if (out === undefined) {
    for (const line of lines) io.out(line);
    return 0;
  }
  const target = path.resolve(io.cwd, out);
  const inputs = [modelFile, ...model.apps.map((a) => a.ledger), ...(flag('ledger') !== undefined ? [flag('ledger')!] : [])];
  if (inputs.some((f) => path.resolve(io.cwd, f) === target)) {
    fail('--out', 'file %v is an input of the graph (the model or a ledger)', out, 'write the diagram to another file, e.g. --out docs/delivery.mmd');
  }
  // A Mermaid comment marks the file as generated: the next run may replace it, and nothing else.
  writeGeneratedFile(io.cwd, out, `%% ${generatedMark('graph')}\n${lines.join('\n')}\n`, 'graph', '--out');
  io.out(`wrote ${out}`);
  return 0;
});

/**
 * Refuses a model that lacks what the graph draws (a model from before
 * dependencies were recorded per tier); `readModel` has checked the rest.
 * Later additions (`runsOn`, `subscribers`, `grants`) are optional: without
 * them the graph has fewer labels and edges.
 */
function checkGraphable(model: DeliveryModel, file: string): void {
  for (const a of model.apps) {
    for (const [tier, t] of Object.entries(a.tiers)) {
      const where = `${file}: apps.${a.name}.tiers.${tier}`;
      if (!Array.isArray(t.dependencies) || t.dependencies.some((d) => !d || typeof d.name !== 'string' || typeof d.kind !== 'string' || typeof d.binding !== 'string')) {
        fail(where, 'app %v lacks its dependencies with their binding in the tier (a model written by an older switchyard)', a.name, SYNTH_AGAIN);
      }
      if (t.services.some((s) => !s || typeof s.name !== 'string' || typeof s.image !== 'string' || !Array.isArray(s.connections))) {
        fail(where, 'app %v lacks the image or the connections of a service', a.name, SYNTH_AGAIN);
      }
    }
  }
}

/**
 * The ledger of every app: `--ledger` is the ledger of the app it names;
 * every other app's is the file the model names (relative to the folder the
 * synth ran in).
 */
function readLedgers(io: CliIo, model: DeliveryModel, modelFile: string, flag: string | undefined): Record<string, LedgerData> {
  const tiers = tiersOf(model);
  const out: Record<string, LedgerData> = {};
  if (flag !== undefined) {
    const ledger = ReleaseLedger.parse(readLedgerText(io.cwd, flag), tiers, flag);
    appOf(model, ledger.app, modelFile, flag);
    out[ledger.app] = ledger.data;
  }
  for (const app of model.apps) {
    if (out[app.name]) continue;
    const text = readLedgerText(io.cwd, app.ledger,
      `pass the ledger of app "${app.name}" with --ledger PATH, or run the command in the folder the synth ran in (${modelFile} names the ledger relative to it)`);
    const ledger = ReleaseLedger.parse(text, tiers, app.ledger);
    if (ledger.app !== app.name) {
      fail(`${app.ledger}: app`, `the ledger named by ${modelFile} for app "${app.name}" belongs to app %v`, ledger.app, `pass the ledger of "${app.name}" with --ledger PATH`);
    }
    out[app.name] = ledger.data;
  }
  return out;
}

/** A label for Mermaid: quoted, with the characters Mermaid reads escaped as its entity codes. */
export function mermaidLabel(...lines: string[]): string {
  const escape = (s: string) => s
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/&/g, '#amp;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/[\r\n]+/g, ' ');
  return `"${lines.map(escape).join('<br>')}"`;
}

/** Node shapes, by what the node is. */
const SHAPES: Readonly<Record<string, [string, string]>> = {
  stack: ['[', ']'],
  db: ['[(', ')]'],
  cache: ['[(', ')]'],
  queue: ['[/', '/]'],
  topic: ['{{', '}}'],
  dependency: ['[[', ']]'],
  service: ['([', '])'],
  slot: ['[', ']'],
};

const CLASSES = [
  'classDef live fill:#d3f9d8,stroke:#2b8a3e,color:#000',
  'classDef idle fill:#f1f3f5,stroke:#868e96,color:#000',
  'classDef retired fill:#f8f9fa,stroke:#adb5bd,stroke-dasharray:4 3,color:#868e96',
  'classDef empty fill:#ffffff,stroke:#ced4da,stroke-dasharray:4 3,color:#adb5bd',
  'classDef managed fill:#e7f5ff,stroke:#1971c2,color:#000',
  'classDef incluster fill:#fff4e6,stroke:#e8590c,color:#000',
];

class Graph {
  private readonly lines: string[] = [];
  private readonly edges: string[] = [];
  private readonly ids = new Map<string, string>();
  private readonly used = new Set<string>();
  private readonly tiers: ModelTier[];

  constructor(private readonly input: GraphInput) {
    this.tiers = input.model.tiers.filter((t) => input.tier === undefined || t.name === input.tier);
  }

  public render(): string[] {
    const { model } = this.input;
    this.lines.push('flowchart TB');
    this.lines.push('  %% switchyard graph: tiers in promotion order; arrows between stacks point from a stack to the ones deployed after it;');
    this.lines.push('  %% a service points to its slots with their share of traffic, and to the dependencies it connects to');
    const drawn = new Set(this.tiers.map((t) => t.name));
    const stacksIn = (tier: string) => model.stacks.filter((s) => s.tier === tier);
    for (const tier of this.tiers) {
      this.lines.push(`  subgraph ${this.id('tier', tier.name)}[${mermaidLabel(tierLabel(tier))}]`);
      this.lines.push('    direction TB');
      const stacks = stacksIn(tier.name);
      if (stacks.length === 0) this.lines.push(`    ${this.id('none', tier.name)}[${mermaidLabel('no stack in this program')}]:::empty`);
      for (const stack of stacks) {
        const app = stack.kind === 'app' ? this.appOfStack(stack) : undefined;
        if (app) this.appStack(stack, app, tier);
        else this.lines.push(`    ${this.stackId(stack.name)}${shape('stack', stack.name)}`);
      }
      this.lines.push('  end');
    }
    // Stacks of other tiers that a drawn stack depends on (only with --tier).
    const shown = new Set(model.stacks.filter((s) => drawn.has(s.tier)).map((s) => s.name));
    const outside = [...new Set(model.stacks.filter((s) => drawn.has(s.tier)).flatMap((s) => s.dependencies).filter((d) => !shown.has(d)))];
    for (const name of outside) {
      const tier = model.stacks.find((s) => s.name === name)?.tier;
      this.lines.push(`  ${this.stackId(name)}[${mermaidLabel(name, tier ? `tier ${tier}` : 'not in the model')}]:::empty`);
    }
    // Deployment order: each stack after the stacks it depends on (edges implied by others left out).
    const edges: string[] = [];
    for (const stack of model.stacks.filter((s) => drawn.has(s.tier))) {
      for (const dep of directDependencies(stack, model.stacks)) edges.push(`  ${this.stackId(dep)} --> ${this.stackId(stack.name)}`);
    }
    // Promotion order.
    for (let i = 1; i < this.tiers.length; i++) {
      const to = this.tiers[i];
      edges.push(`  ${this.id('tier', this.tiers[i - 1].name)} ==>|${mermaidLabel(to.approvalRequired ? 'promote, approval required' : 'promote')}| ${this.id('tier', to.name)}`);
    }
    return [...this.lines, ...edges, ...this.edges, ...CLASSES.map((c) => `  ${c}`)];
  }

  /** The app whose stack `stack` is in its tier. */
  private appOfStack(stack: ModelStack): { app: ModelApp; tier: ModelAppTier } | undefined {
    for (const app of this.input.model.apps) {
      const t = app.tiers[stack.tier];
      if (t && t.stack === stack.name) return { app, tier: t };
    }
    return undefined;
  }

  /** An app's stack: a subgraph of its dependencies, services and slots; their edges go after the subgraphs. */
  private appStack(stack: ModelStack, { app, tier: at }: { app: ModelApp; tier: ModelAppTier }, tier: ModelTier): void {
    const sid = this.stackId(stack.name);
    this.lines.push(`    subgraph ${sid}[${mermaidLabel(stack.name, `app ${app.name}, namespace ${at.namespace}`)}]`);
    this.lines.push('      direction TB');
    const depId = (name: string) => this.id('dep', stack.name, name);
    for (const d of at.dependencies) {
      const kind = SHAPES[d.kind] ? d.kind : 'dependency';
      const cls = d.binding === 'managed' ? 'managed' : d.binding === 'in-cluster' ? 'incluster' : undefined;
      this.lines.push(`      ${depId(d.name)}${shape(kind, `${d.name}: ${d.kind}`, ...(d.runsOn ? [d.runsOn] : []), d.binding)}${cls ? `:::${cls}` : ''}`);
    }
    const ledger = this.input.ledgers[app.name];
    for (const s of at.services) {
      const release = ledger?.tiers[tier.name]?.[s.name];
      const live = release && versionIn(release, release.live) !== undefined ? release.live : undefined;
      const vid = this.id('svc', stack.name, s.name);
      const weight = live && release ? release.weight : 0;
      const note = !live ? `no release in ${tier.name}` : weight > 0 ? `canary: ${weight}% to ${otherSlot(live)}` : undefined;
      this.lines.push(`      ${vid}${shape('service', s.name, s.image, ...(note ? [note] : []))}`);
      for (const slot of SLOTS) {
        const { label, cls } = slotLabel(s.name, slot, release, live);
        const slotId = this.id('slot', stack.name, s.name, slot);
        this.lines.push(`      ${slotId}${shape('slot', ...label)}:::${cls}`);
        if (live && release) {
          if (slot === live) this.edges.push(`  ${vid} -->|${mermaidLabel(`${100 - weight}%`)}| ${slotId}`);
          else if (cls === 'idle') this.edges.push(`  ${vid} -.->|${mermaidLabel(`${weight}%`)}| ${slotId}`);
        }
      }
      const grants = s.grants ?? [];
      for (const dep of s.connections) {
        if (!at.dependencies.some((d) => d.name === dep)) continue;
        const actions = grants.filter((g) => g.dependency === dep).map((g) => g.action);
        this.edges.push(actions.length ? `  ${vid} -->|${mermaidLabel(actions.join(', '))}| ${depId(dep)}` : `  ${vid} --> ${depId(dep)}`);
      }
    }
    for (const d of at.dependencies) {
      for (const q of d.subscribers ?? []) {
        if (at.dependencies.some((x) => x.name === q)) this.edges.push(`  ${depId(d.name)} -->|${mermaidLabel('delivers to')}| ${depId(q)}`);
      }
    }
    this.lines.push('    end');
  }

  private stackId(name: string): string {
    return this.id('stack', name);
  }

  /**
   * A node id from its kind and names: letters, digits and `_` only, so no
   * name can break the syntax; distinct names that sanitize alike get a
   * numbered suffix, in drawing order.
   */
  private id(kind: string, ...names: string[]): string {
    const key = JSON.stringify([kind, ...names]);
    const known = this.ids.get(key);
    if (known) return known;
    const base = [kind, ...names].map((n) => n.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || '_').join('__');
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    this.ids.set(key, id);
    return id;
  }
}

function shape(kind: string, ...lines: string[]): string {
  const [open, close] = SHAPES[kind];
  return `${open}${mermaidLabel(...lines)}${close}`;
}

function tierLabel(t: ModelTier): string {
  const facts = [t.binding, ...(t.region ? [t.region] : []), ...(t.highAvailability ? ['highly available'] : []), ...(t.approvalRequired ? ['approval required'] : [])];
  return `tier ${t.name} (${facts.join(', ')})`;
}

/** A slot's label lines and style: its Deployment, its version and its role. */
function slotLabel(service: string, slot: Slot, release: ServiceRelease | undefined, live: Slot | undefined): { label: string[]; cls: string } {
  const version = release ? versionIn(release, slot) : undefined;
  const name = `${service}-${slot}`;
  if (version === undefined) return { label: [name, 'empty'], cls: 'empty' };
  if (slot === live) return { label: [name, version, 'live'], cls: 'live' };
  if (release?.retired) return { label: [name, version, 'retired: 0 replicas'], cls: 'retired' };
  return { label: [name, version, live ? 'idle' : 'not live'], cls: live ? 'idle' : 'empty' };
}

/** The stacks `stack` depends on that no other of its dependencies already depends on (a transitive reduction). */
function directDependencies(stack: ModelStack, all: ModelStack[]): string[] {
  const byName = new Map(all.map((s) => [s.name, s]));
  const reach = (from: string, seen = new Set<string>()): Set<string> => {
    for (const d of byName.get(from)?.dependencies ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        reach(d, seen);
      }
    }
    return seen;
  };
  const deps = [...new Set(stack.dependencies)];
  return deps.filter((d) => !deps.some((other) => other !== d && reach(other).has(d)));
}
