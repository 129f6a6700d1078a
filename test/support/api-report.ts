/**
 * The public API of each entry point of the package, as a reviewable text: every export with its
 * kind and signature (classes and interfaces with their public members), sorted by name. The
 * committed reports are api/<entry>.api.md; test/api.test.ts fails when the code's API differs
 * from them, so a change of the API shows in review as a change of those files.
 *
 *   UPDATE_API=1 npx jest test/api     # record the API after a deliberate change
 */
import * as path from 'path';
import * as ts from 'typescript';

/** The package's entry points (package.json `exports`, but the runner) and the module each is. */
export const ENTRIES: Readonly<Record<string, string>> = {
  '.': 'lib/index.ts',
  './model': 'lib/exports/model.ts',
  './ledger': 'lib/exports/ledger.ts',
  './policy': 'lib/exports/policy.ts',
  './versions': 'lib/exports/versions.ts',
  './contract': 'lib/exports/contract.ts',
};

/** The report file of an entry point, relative to the repository. */
export function reportFile(entry: string): string {
  return `api/${entry === '.' ? 'index' : entry.slice(2)}.api.md`;
}

const FORMAT = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

function isHidden(member: ts.Declaration): boolean {
  // @internal: public for the library's other modules, stripped from the package's declarations (stripInternal).
  if (ts.getJSDocTags(member).some((t) => t.tagName.text === 'internal')) return true;
  const flags = ts.getCombinedModifierFlags(member);
  if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return true;
  const name = (member as ts.NamedDeclaration).name;
  return name !== undefined && (ts.isPrivateIdentifier(name) || name.getText().startsWith('_'));
}

function modifiers(member: ts.Declaration): string {
  const flags = ts.getCombinedModifierFlags(member);
  return `${flags & ts.ModifierFlags.Static ? 'static ' : ''}${flags & ts.ModifierFlags.Abstract ? 'abstract ' : ''}${flags & ts.ModifierFlags.Readonly ? 'readonly ' : ''}`;
}

function heritage(decl: ts.ClassDeclaration | ts.InterfaceDeclaration): string {
  return (decl.heritageClauses ?? []).map((h) => ` ${h.token === ts.SyntaxKind.ExtendsKeyword ? 'extends' : 'implements'} ${h.types.map((t) => t.getText()).join(', ')}`).join('');
}

function typeParameters(decl: { typeParameters?: ts.NodeArray<ts.TypeParameterDeclaration> }): string {
  return decl.typeParameters ? `<${decl.typeParameters.map((p) => p.getText()).join(', ')}>` : '';
}

/** The members of a class or interface, one line each, in source order. */
function members(checker: ts.TypeChecker, decl: ts.ClassDeclaration | ts.InterfaceDeclaration): string[] {
  const lines: string[] = [];
  for (const m of decl.members as ts.NodeArray<ts.ClassElement | ts.TypeElement>) {
    if (isHidden(m)) continue;
    const name = m.name ? m.name.getText() : '';
    const optional = (m as ts.PropertyDeclaration).questionToken ? '?' : '';
    if (ts.isConstructorDeclaration(m)) {
      lines.push(`constructor(${m.parameters.map((p) => `${p.name.getText()}${p.questionToken || p.initializer ? '?' : ''}: ${checker.typeToString(checker.getTypeAtLocation(p), p, FORMAT)}`).join(', ')});`);
    } else if (ts.isMethodDeclaration(m) || ts.isMethodSignature(m)) {
      const sig = checker.getSignatureFromDeclaration(m)!;
      lines.push(`${modifiers(m)}${name}${optional}${checker.signatureToString(sig, m, FORMAT)};`);
    } else if (ts.isGetAccessorDeclaration(m)) {
      lines.push(`${modifiers(m)}get ${name}(): ${checker.typeToString(checker.getTypeAtLocation(m), m, FORMAT)};`);
    } else if (ts.isSetAccessorDeclaration(m)) {
      lines.push(`${modifiers(m)}set ${name}(value: ${checker.typeToString(checker.getTypeAtLocation(m.parameters[0]), m, FORMAT)});`);
    } else if (ts.isPropertyDeclaration(m) || ts.isPropertySignature(m)) {
      lines.push(`${modifiers(m)}${name}${optional}: ${checker.typeToString(checker.getTypeAtLocation(m), m, FORMAT)};`);
    } else if (ts.isIndexSignatureDeclaration(m)) {
      lines.push(`${m.getText().replace(/\s+/g, ' ')}`);
    }
  }
  return lines;
}

/** One export, as its declaration would read without bodies. */
function describe(checker: ts.TypeChecker, exported: ts.Symbol): string[] {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const name = exported.getName();
  const out: string[] = [];
  for (const decl of symbol.getDeclarations() ?? []) {
    if (ts.isClassDeclaration(decl)) {
      const abstract = ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Abstract ? 'abstract ' : '';
      out.push(`${abstract}class ${name}${typeParameters(decl)}${heritage(decl)} {`, ...members(checker, decl).map((l) => `  ${l}`), '}');
    } else if (ts.isInterfaceDeclaration(decl)) {
      out.push(`interface ${name}${typeParameters(decl)}${heritage(decl)} {`, ...members(checker, decl).map((l) => `  ${l}`), '}');
    } else if (ts.isFunctionDeclaration(decl)) {
      out.push(`function ${name}${checker.signatureToString(checker.getSignatureFromDeclaration(decl)!, decl, FORMAT)};`);
    } else if (ts.isVariableDeclaration(decl)) {
      out.push(`const ${name}: ${checker.typeToString(checker.getTypeAtLocation(decl), decl, FORMAT)};`);
    } else if (ts.isTypeAliasDeclaration(decl)) {
      out.push(`type ${name}${typeParameters(decl)} = ${decl.type.getText().replace(/\s+/g, ' ')};`);
    } else if (ts.isEnumDeclaration(decl)) {
      out.push(`enum ${name} { ${decl.members.map((m) => m.name.getText()).join(', ')} }`);
    } else if (ts.isModuleDeclaration(decl)) {
      out.push(`namespace ${name}`);
    }
  }
  if (out.length === 0) throw new Error(`export ${name}: no declaration the report knows how to write`);
  return out;
}

/** The report of every entry point, by entry (package.json `exports` key). */
export function apiReports(root = path.resolve(__dirname, '..', '..')): Record<string, string> {
  const files = Object.values(ENTRIES).map((f) => path.join(root, f));
  const program = ts.createProgram(files, {
    strict: true, noEmit: true, skipLibCheck: true, types: ['node'], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS,
    experimentalDecorators: true, esModuleInterop: true,
  });
  const checker = program.getTypeChecker();
  const reports: Record<string, string> = {};
  for (const [entry, file] of Object.entries(ENTRIES)) {
    const source = program.getSourceFile(path.join(root, file));
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${file}: not a module`);
    const exports = checker.getExportsOfModule(module).sort((a, b) => a.getName().localeCompare(b.getName(), 'en'));
    const name = entry === '.' ? '@switchyard-iac/cdktf' : `@switchyard-iac/cdktf/${entry.slice(2)}`;
    const body = exports.flatMap((e) => [...describe(checker, e), '']);
    reports[entry] = [
      `# API of ${name}`, '',
      `<!-- Generated by test/support/api-report.ts from ${file}: UPDATE_API=1 npx jest test/api records a deliberate change. -->`, '',
      `${exports.length} exports.`, '',
      '```ts', ...body.slice(0, -1), '```', '',
    ].join('\n');
  }
  return reports;
}
