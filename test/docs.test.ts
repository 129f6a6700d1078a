/**
 * The public API is documented: every export of lib/index.ts and of the
 * package's subpaths (lib/exports/*.ts), every public
 * member of its classes, every property of its interfaces (and of the object
 * types written inline in them) has a description, and every optional
 * property of an interface or inline object type says its `@default` (a value,
 * or `- behaviour`). Class members say what was made, so they need only a
 * description; a member without its own comment takes the one of the member it
 * implements or overrides, as TypeDoc does. `@internal` members (and every
 * `_name`, which must be tagged `@internal`) are not public.
 *
 * It reads lib/ with the TypeScript compiler API (no type checking, no emit),
 * so it runs in a few seconds; `npm run docs` (TypeDoc, warnings as errors)
 * checks the same descriptions again and that every type the API uses is
 * exported.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

/** Problems with the documentation of the API exported by `<dir>/index.ts`, one line each (`where: problem`). */
function docProblems(dir: string): string[] {
  const LIB = path.resolve(dir) + path.sep;
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, strict: true, noEmit: true, types: [], lib: ['lib.es2022.d.ts'],
  };
  // Only lib/ and TypeScript's own declarations (Partial, Readonly, ...) are read: every other module (cdktf,
  // the providers, Node) is an empty stand-in, which keeps this test fast; their members are not ours to document.
  const host = ts.createCompilerHost(options);
  const readSource = host.getSourceFile;
  const tsLib = path.dirname(host.getDefaultLibFileName(options)) + path.sep;
  host.getSourceFile = (file, language, ...rest) => (path.resolve(file).startsWith(LIB) || path.resolve(file).startsWith(tsLib)
    ? readSource.call(host, file, language, ...rest)
    : ts.createSourceFile(file, 'export {};', language));
  // The entry points: index.ts and the package's subpaths (exports/*.ts).
  const exportsDir = path.join(LIB, 'exports');
  const entries = [path.join(LIB, 'index.ts'), ...(fs.existsSync(exportsDir) ? fs.readdirSync(exportsDir).filter((f) => f.endsWith('.ts')).sort().map((f) => path.join(exportsDir, f)) : [])];
  const program = ts.createProgram(entries, options, host);
  const checker = program.getTypeChecker();
  const problems: string[] = [];
  const seen = new Set<ts.Node>();

  const inLib = (d: ts.Node) => path.resolve(d.getSourceFile().fileName).startsWith(LIB);
  const internal = (s: ts.Symbol) => s.getJsDocTags(checker).some((t) => t.name === 'internal');
  const described = (s: ts.Symbol) => ts.displayPartsToString(s.getDocumentationComment(checker)).trim() !== '';
  const hasDefault = (s: ts.Symbol) => s.getJsDocTags(checker).some((t) => t.name === 'default' && ts.displayPartsToString(t.text).trim() !== '');
  const where = (d: ts.Node, name: string) => `${path.relative(ROOT, d.getSourceFile().fileName)}:${d.getSourceFile().getLineAndCharacterOfPosition(d.getStart()).line + 1} ${name}`;

  /** The comment a class member takes from what it implements or overrides, when it has none. */
  const inherited = (cls: ts.ClassLikeDeclaration, name: string, isStatic: boolean): boolean => {
    if (isStatic) return false;
    const type = checker.getTypeAtLocation(cls);
    const bases: ts.Type[] = [...(type.isClassOrInterface() ? checker.getBaseTypes(type as ts.InterfaceType) : [])];
    for (const clause of cls.heritageClauses ?? []) {
      if (clause.token === ts.SyntaxKind.ImplementsKeyword) for (const t of clause.types) bases.push(checker.getTypeAtLocation(t));
    }
    return bases.some((b) => {
      const p = b.getProperty(name);
      return p !== undefined && (described(p) || (p.valueDeclaration && ts.isClassLike(p.valueDeclaration.parent) ? inherited(p.valueDeclaration.parent, name, false) : false));
    });
  };

  const exportedDecls = new Set<ts.Node>();
  /** Named types of lib/ that a public type annotation uses must be exported too (else the reference has no page). */
  const uses = (node: ts.Node | undefined, name: string, d: ts.Node) => {
    const visit = (n: ts.Node): void => {
      if (ts.isTypeReferenceNode(n) || ts.isExpressionWithTypeArguments(n)) {
        const target = ts.isTypeReferenceNode(n) ? n.typeName : n.expression;
        let sym = checker.getSymbolAtLocation(target);
        if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
        const decl = sym?.declarations?.find(inLib);
        if (sym && decl && !ts.isTypeParameterDeclaration(decl) && !exportedDecls.has(decl)) {
          problems.push(`${where(d, name)}: uses type ${sym.name}, which no entry point exports`);
        }
      }
      ts.forEachChild(n, visit);
    };
    if (node) visit(node);
  };

  /** The object types written in a type annotation (inline `{ ... }`, also in arrays, unions and `Readonly<...>`). */
  const literals = (node: ts.TypeNode | undefined): ts.TypeLiteralNode[] => {
    if (!node) return [];
    if (ts.isTypeLiteralNode(node)) return [node];
    if (ts.isArrayTypeNode(node)) return literals(node.elementType);
    if (ts.isUnionTypeNode(node) || ts.isIntersectionTypeNode(node)) return node.types.flatMap(literals);
    if (ts.isParenthesizedTypeNode(node) || ts.isTypeOperatorNode(node)) return literals(node.type);
    if (ts.isTypeReferenceNode(node)) return (node.typeArguments ?? []).flatMap(literals);
    if (ts.isFunctionTypeNode(node)) return literals(node.type);
    return [];
  };

  /** A property of an interface or an inline object type: a description; `@default` when optional; then its own inline types. */
  const property = (s: ts.Symbol, name: string) => {
    const d = s.declarations?.find(inLib);
    if (!d || internal(s)) return;
    if (!described(s)) problems.push(`${where(d, name)}: no description`);
    const optional = (s.flags & ts.SymbolFlags.Optional) !== 0 && !ts.isMethodSignature(d);
    if (optional && !hasDefault(s)) problems.push(`${where(d, name)}: optional, but no @default`);
    if (ts.isPropertySignature(d) || ts.isMethodSignature(d)) {
      uses(d.type, name, d);
      if (ts.isMethodSignature(d)) for (const p of d.parameters) uses(p.type, name, d);
      for (const lit of literals(d.type)) objectType(lit, name);
      if (ts.isMethodSignature(d)) for (const p of d.parameters) for (const lit of literals(p.type)) objectType(lit, `${name}(${p.name.getText()})`);
    }
  };

  const objectType = (lit: ts.TypeLiteralNode, name: string) => {
    if (seen.has(lit)) return;
    seen.add(lit);
    for (const m of lit.members) {
      const s = m.name && checker.getSymbolAtLocation(m.name);
      if (s) property(s, `${name}.${s.name}`);
    }
  };

  const iface = (decl: ts.InterfaceDeclaration, name: string) => {
    for (const s of checker.getPropertiesOfType(checker.getTypeAtLocation(decl))) property(s, `${name}.${s.name}`);
  };

  const cls = (decl: ts.ClassDeclaration, name: string) => {
    const sym = checker.getSymbolAtLocation(decl.name!)!;
    const sides: Array<[ts.Type, boolean]> = [[checker.getDeclaredTypeOfSymbol(sym), false], [checker.getTypeOfSymbolAtLocation(sym, decl), true]];
    for (const [type, isStatic] of sides) {
      for (const s of checker.getPropertiesOfType(type)) {
        const d = s.declarations?.find(inLib);
        if (!d || s.name === 'prototype' || ts.isConstructorDeclaration(d)) continue;
        const flags = ts.getCombinedModifierFlags(d as ts.Declaration);
        if (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || s.name.startsWith('#')) continue;
        const symbolKey = s.name.startsWith('__@'); // [Symbol.iterator] and the like
        const member = `${name}${isStatic ? '.' : '#'}${symbolKey ? `[Symbol.${s.name.slice(3).replace(/@\d+$/, '')}]` : s.name}`;
        if (!symbolKey && s.name.startsWith('_') && !internal(s)) problems.push(`${where(d, member)}: named as internal, but not tagged @internal`);
        if (internal(s)) continue;
        // A parameter property declared in the constructor documents itself like any member.
        if (!described(s) && !inherited(d.parent as ts.ClassLikeDeclaration, s.name, isStatic) && !(ts.isParameter(d) && described(s))) {
          problems.push(`${where(d, member)}: no description`);
        }
        const typeNode = (ts.isPropertyDeclaration(d) || ts.isParameter(d) || ts.isGetAccessor(d) || ts.isMethodDeclaration(d)) ? d.type : undefined;
        uses(typeNode, member, d);
        if (ts.isMethodDeclaration(d)) for (const p of d.parameters) uses(p.type, member, d);
        for (const lit of literals(typeNode)) objectType(lit, member);
      }
    }
  };

  const exports = [...new Set(entries.flatMap((f) => checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(f)!)!))
    .map((e) => (e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e)))];
  for (const s of exports) for (const d of s.declarations ?? []) exportedDecls.add(d);
  for (const s of exports) {
    for (const d of (s.declarations ?? []).filter(inLib)) {
      if (ts.isClassDeclaration(d)) {
        for (const c of d.members.filter(ts.isConstructorDeclaration)) {
          if (!internal(checker.getSymbolAtLocation(d.name!)!) && !ts.getJSDocTags(c).some((t) => t.tagName.text === 'internal')) {
            for (const p of c.parameters) uses(p.type, `${s.name} constructor`, c);
          }
        }
        for (const h of d.heritageClauses ?? []) for (const t of h.types) uses(t, s.name, d);
      }
      if (ts.isInterfaceDeclaration(d)) for (const h of d.heritageClauses ?? []) for (const t of h.types) uses(t, s.name, d);
      if (ts.isFunctionDeclaration(d)) { uses(d.type, s.name, d); for (const p of d.parameters) uses(p.type, s.name, d); }
      if (ts.isTypeAliasDeclaration(d) || ts.isVariableDeclaration(d)) uses(d.type, s.name, d);
      if (!described(s)) problems.push(`${where(d, s.name)}: no description`);
      if (ts.isInterfaceDeclaration(d)) iface(d, s.name);
      else if (ts.isClassDeclaration(d)) cls(d, s.name);
      else if (ts.isTypeAliasDeclaration(d)) for (const lit of literals(d.type)) objectType(lit, s.name);
      else if (ts.isFunctionDeclaration(d)) for (const lit of [...literals(d.type), ...d.parameters.flatMap((p) => literals(p.type))]) objectType(lit, s.name);
      else if (ts.isVariableDeclaration(d)) {
        for (const lit of literals(d.type)) objectType(lit, s.name);
        // A constant object without a declared type (`{ ... } as const`): its properties are its members.
        let init = d.initializer;
        while (init && (ts.isAsExpression(init) || ts.isSatisfiesExpression(init) || ts.isParenthesizedExpression(init))) init = init.expression;
        if (!d.type && init && ts.isObjectLiteralExpression(init)) {
          for (const p of init.properties) {
            const ps = p.name && checker.getSymbolAtLocation(p.name);
            if (ps && !internal(ps) && !described(ps)) problems.push(`${where(p, `${s.name}.${ps.name}`)}: no description`);
          }
        }
      }
    }
  }
  return [...new Set(problems)].sort();
}

describe('API documentation', () => {
  test('every export, public member and property is described; every optional property has a @default', () => {
    expect(docProblems(path.join(ROOT, 'lib'))).toEqual([]);
  });

  test('the check finds each kind of gap (a fixture with one of each)', () => {
    const at = (line: number, what: string) => `test/support/docs-fixture/index.ts:${line} ${what}`;
    expect(docProblems(path.join(__dirname, 'support/docs-fixture'))).toEqual([
      at(11, 'GapsProps.quiet: no description'),
      at(13, 'GapsProps.noDefault: optional, but no @default'),
      at(15, 'GapsProps.inline.deep: no description'),
      at(15, 'GapsProps.inline.deep: optional, but no @default'),
      at(17, 'GapsProps.hidden: uses type Hidden, which no entry point exports'),
      at(28, 'Gaps#bare: no description'),
      at(30, 'Gaps#_secret: named as internal, but not tagged @internal'),
      at(30, 'Gaps#_secret: no description'),
      at(34, 'undocumented: no description'),
      at(39, 'CONSTANTS.b: no description'),
    ]);
  });
});
