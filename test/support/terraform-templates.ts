/**
 * Strings of a synthesized stack that Terraform would read as a template it
 * refuses: a `%{...}` directive (we never write one, so each is text that was
 * not escaped), or a `${...}` interpolation whose expression is not a
 * reference to something the stack declares or a function call (`${HOME}` in
 * a shell command). Terraform's validate says the same, minutes later.
 */
import type { StackJson } from '../helpers';

const ROOTS = new Set(['data', 'var', 'local', 'module', 'each', 'count', 'path', 'terraform', 'self']);

/** Each place of `stack` that Terraform would refuse as a template, with the text around it. */
export function templateProblems(stack: StackJson): string[] {
  const declared = new Set(Object.keys(stack.resource ?? {}));
  const problems: string[] = [];
  const visit = (value: unknown, at: string): void => {
    if (typeof value === 'string') {
      for (const m of value.matchAll(/(^|[^%])%\{/g)) problems.push(`${at}: a template directive at ${JSON.stringify(value.slice(m.index! + m[1].length, m.index! + m[1].length + 24))}`);
      for (const m of value.matchAll(/(\$*)\$\{([^}]*)/g)) {
        if (m[1].length % 2 === 1) continue; // $${ is a literal ${
        const expr = m[2].trimStart();
        const root = /^([A-Za-z_][A-Za-z0-9_-]*)(::|\(|\.|\[)?/.exec(expr);
        const ok = root !== null && (root[2] === '(' || root[2] === '::' || ROOTS.has(root[1]) || declared.has(root[1]));
        if (!ok) problems.push(`${at}: an interpolation that refers to nothing declared: ${JSON.stringify('${' + expr.slice(0, 24) + '}')}`);
      }
    } else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${at}[${i}]`));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, `${at}.${k}`);
  };
  visit(stack.resource, 'resource');
  visit(stack.data, 'data');
  visit(stack.output, 'output');
  visit(stack.locals, 'locals');
  return problems;
}

/** The text Terraform gives the provider for a literal string of the configuration: `$${` and `%%{` read as `${` and `%{`. */
export function asTerraformReads(text: string): string {
  if (templateProblems({ resource: { x: { y: { text } } } }).length > 0) throw new Error(`not a literal for Terraform: ${text}`);
  return text.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}
