/**
 * A strict reader of the Mermaid flowchart subset `switchyard graph` writes:
 * it throws on any line outside that subset, so a test that reads a diagram
 * also checks its syntax (ids of letters, digits and `_`; quoted labels with
 * no raw quote; balanced subgraphs; edges between declared nodes or
 * subgraphs; classes that are defined).
 */

/** A node: its label (lines split at `<br>`), shape, class and enclosing subgraph. */
export interface FlowNode {
  readonly id: string;
  readonly label: string[];
  readonly shape: string;
  readonly cls?: string;
  readonly parent?: string;
}

/** A subgraph: its label, enclosing subgraph, and the ids of what it directly holds, in order. */
export interface FlowSubgraph {
  readonly id: string;
  readonly label: string[];
  readonly parent?: string;
  readonly children: string[];
}

/** An edge: `-->` (arrow), `-.->` (dotted) or `==>` (thick), with its label if any. */
export interface FlowEdge {
  readonly from: string;
  readonly to: string;
  readonly style: 'arrow' | 'dotted' | 'thick';
  readonly label?: string;
}

export interface Flowchart {
  readonly direction: string;
  readonly nodes: Map<string, FlowNode>;
  readonly subgraphs: Map<string, FlowSubgraph>;
  /** Top-level subgraph ids, in order. */
  readonly top: string[];
  readonly edges: FlowEdge[];
  readonly classes: Set<string>;
}

const ID = '[A-Za-z0-9_]+';
const LABEL = '"([^"]*)"';
const SHAPES: Array<[string, string, string]> = [
  ['cylinder', '[(', ')]'], ['stadium', '([', '])'], ['subroutine', '[[', ']]'], ['lean', '[/', '/]'],
  ['hexagon', '{{', '}}'], ['rect', '[', ']'],
];
const esc = (s: string) => s.replace(/[[\](){}/]/g, (c) => `\\${c}`);
const NODE = new RegExp(`^(${ID})(?:${SHAPES.map(([, o, c]) => `${esc(o)}${LABEL}${esc(c)}`).join('|')})(?::::(${ID}))?$`);
const EDGE = new RegExp(`^(${ID}) (-->|-\\.->|==>)(?:\\|${LABEL}\\|)? (${ID})$`);
const ENTITY = /#([a-z]+|\d+);/g;

/** Reads `lines` (one statement each, indented as they like); throws naming the first line it cannot read. */
export function parseFlowchart(lines: string[]): Flowchart {
  const head = /^flowchart (TB|TD|BT|LR|RL)$/.exec(lines[0] ?? '');
  if (!head) throw new Error(`line 1 is not "flowchart <direction>": ${JSON.stringify(lines[0])}`);
  const nodes = new Map<string, FlowNode>();
  const subgraphs = new Map<string, FlowSubgraph>();
  const top: string[] = [];
  const edges: FlowEdge[] = [];
  const classes = new Set<string>();
  const used: Array<[string, number]> = [];
  const stack: string[] = [];
  const declare = (id: string, n: number) => {
    if (nodes.has(id) || subgraphs.has(id)) throw new Error(`line ${n}: ${id} is declared twice`);
    const parent = stack[stack.length - 1];
    if (parent) subgraphs.get(parent)!.children.push(id);
    else top.push(id);
    return parent;
  };
  lines.slice(1).forEach((raw, i) => {
    const n = i + 2;
    const line = raw.trim();
    if (raw !== raw.trimEnd()) throw new Error(`line ${n} has trailing spaces`);
    if (line === '' || line.startsWith('%%')) return;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^subgraph (${ID})\\[${LABEL}\\]$`).exec(line))) {
      const parent = declare(m[1], n);
      subgraphs.set(m[1], { id: m[1], label: m[2].split('<br>').map(decode), children: [], ...(parent ? { parent } : {}) });
      stack.push(m[1]);
    } else if (line === 'end') {
      if (!stack.pop()) throw new Error(`line ${n}: "end" without a subgraph`);
    } else if (/^direction (TB|TD|BT|LR|RL)$/.test(line)) {
      if (!stack.length) throw new Error(`line ${n}: direction outside a subgraph`);
    } else if ((m = new RegExp(`^classDef (${ID}) ([-a-z]+:[^,\\s]+( [^,\\s]+)*)(,[-a-z]+:[^,\\s]+( [^,\\s]+)*)*$`).exec(line))) {
      classes.add(m[1]);
    } else if ((m = EDGE.exec(line))) {
      edges.push({ from: m[1], to: m[4], style: m[2] === '-->' ? 'arrow' : m[2] === '==>' ? 'thick' : 'dotted', ...(m[3] !== undefined ? { label: decode(m[3]) } : {}) });
    } else if ((m = NODE.exec(line))) {
      const id = m[1];
      const groups = m.slice(2, 2 + SHAPES.length);
      const k = groups.findIndex((g) => g !== undefined);
      const cls = m[2 + SHAPES.length];
      const parent = declare(id, n);
      nodes.set(id, { id, label: groups[k]!.split('<br>').map(decode), shape: SHAPES[k][0], ...(cls ? { cls } : {}), ...(parent ? { parent } : {}) });
      if (cls) used.push([cls, n]);
    } else {
      throw new Error(`line ${n} is not a statement of the flowchart subset: ${JSON.stringify(raw)}`);
    }
  });
  if (stack.length) throw new Error(`subgraph ${stack[stack.length - 1]} has no "end"`);
  for (const e of edges) {
    for (const end of [e.from, e.to]) {
      if (!nodes.has(end) && !subgraphs.has(end)) throw new Error(`edge ${e.from} -> ${e.to}: ${end} is not declared`);
    }
  }
  for (const [cls, n] of used) if (!classes.has(cls)) throw new Error(`line ${n}: class ${cls} is not defined`);
  return { direction: head[1], nodes, subgraphs, top, edges, classes };
}

/** A label's text with Mermaid's entity codes decoded; refuses a `<` that is not a line break. */
function decode(text: string): string {
  if (/<(?!br>)/.test(text)) throw new Error(`label ${JSON.stringify(text)} has a raw "<"`);
  const named: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>' };
  return text.replace(ENTITY, (all, code: string) => (/^\d+$/.test(code) ? String.fromCharCode(Number(code)) : named[code] ?? all));
}

/** The node whose first label line is `name` inside the subgraph `within` (at any depth); throws unless exactly one. */
export function nodeNamed(f: Flowchart, within: string, name: string): FlowNode {
  const inside = (id: string | undefined): boolean => id !== undefined && (id === within || inside(f.subgraphs.get(id)?.parent));
  const found = [...f.nodes.values()].filter((n) => n.label[0] === name && inside(n.parent));
  if (found.length !== 1) throw new Error(`expected one node "${name}" in ${within}, found ${found.length}`);
  return found[0];
}

/** The subgraph whose first label line is `label`; throws unless exactly one. */
export function subgraphLabelled(f: Flowchart, label: string): FlowSubgraph {
  const found = [...f.subgraphs.values()].filter((s) => s.label[0] === label);
  if (found.length !== 1) throw new Error(`expected one subgraph "${label}", found ${found.length}`);
  return found[0];
}

/** Label of the node or subgraph `id`, for readable assertions. */
export function nameOf(f: Flowchart, id: string): string {
  return f.nodes.get(id)?.label[0] ?? f.subgraphs.get(id)?.label[0] ?? `?${id}`;
}

/** Every edge as "from -> to [label]" by names, for readable assertions. */
export function edgeNames(f: Flowchart, filter: (e: FlowEdge) => boolean = () => true): string[] {
  return f.edges.filter(filter).map((e) => `${nameOf(f, e.from)} ${e.style === 'arrow' ? '-->' : e.style === 'dotted' ? '-.->' : '==>'} ${nameOf(f, e.to)}${e.label !== undefined ? ` [${e.label}]` : ''}`);
}
