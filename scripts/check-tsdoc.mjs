#!/usr/bin/env node
// Lists public functions whose TSDoc is incomplete, so the typedoc API reference (`npm run docs`) never
// shows an undocumented parameter or result.
//
//   node scripts/check-tsdoc.mjs src/torch src/nn
//
// Checked: exported functions (declarations and `export const f = (...) => ...`), and the constructors and
// public methods of exported classes (getters, setters, private, protected and #-names are skipped).
// Each must carry a TSDoc block with an `@param` for every parameter and, when it returns something
// other than void/undefined/never (or a Promise of one), an `@returns`. For an overloaded function the
// overload signatures are checked, not the implementation. A destructured parameter is satisfied by any
// top-level `@param` left over after the named ones. `*.test.ts` files and `fixtures/` folders are skipped.
// Prints one `path:line name: missing ...` line per finding and exits 1 if there is any.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const folders = process.argv.slice(2);
if (folders.length === 0) {
  console.error('usage: node scripts/check-tsdoc.mjs <folder|file> [...]   (e.g. src/torch src/nn)');
  process.exit(2);
}

const files = [];
function walk(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    console.error(`check-tsdoc: ${path} does not exist`);
    process.exit(2);
  }
  if (stat.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (name === 'fixtures' || name === 'node_modules') continue;
      walk(join(path, name));
    }
  } else if (path.endsWith('.ts') && !path.endsWith('.test.ts') && !path.endsWith('.d.ts')) {
    files.push(path);
  }
}
for (const f of folders) walk(f);

// Types need the project's compiler options (module resolution, lib), so read tsconfig.json.
const configPath = ts.findConfigFile(process.cwd(), ts.sys.fileExists, 'tsconfig.json');
const options = configPath
  ? ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, process.cwd()).options
  : { strict: true };
const program = ts.createProgram(files, { ...options, noEmit: true });
const checker = program.getTypeChecker();

const findings = [];

function hasModifier(node, kind) {
  return (ts.canHaveModifiers(node) ? (ts.getModifiers(node) ?? []) : []).some((m) => m.kind === kind);
}

/** The TSDoc tags of `node`, read from its own doc block (or the variable statement's, for const arrows). */
function docTags(node) {
  const holder = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  const docs = ts.getJSDocCommentsAndTags(holder).filter((d) => ts.isJSDoc(d));
  const last = docs.at(-1);
  return { hasDoc: docs.length > 0, tags: last?.tags ? [...last.tags] : [] };
}

function isVoidLike(type) {
  const voidish = ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never;
  if (type.flags & voidish) return true;
  if (type.isUnion()) return type.types.every(isVoidLike);
  const symbol = type.getSymbol();
  if (symbol?.getName() === 'Promise') {
    const [inner] = checker.getTypeArguments(type) ?? [];
    return inner !== undefined && isVoidLike(inner);
  }
  return false;
}

function paramName(p) {
  return ts.isIdentifier(p.name) ? p.name.text : null;
}

/**
 * Checks one signature.
 * @param fn the function-like node whose parameters and return type are checked
 * @param docNode the node that holds the TSDoc block (a variable declaration for const arrows)
 * @param name the name printed in findings
 * @param isConstructor constructors need no `@returns`
 */
function checkSignature(fn, docNode, name, isConstructor) {
  const source = fn.getSourceFile();
  const line = source.getLineAndCharacterOfPosition((docNode.name ?? fn).getStart(source)).line + 1;
  const file = relative(process.cwd(), source.fileName);
  const where = `${file}:${line} ${name}`;
  const push = (text) => findings.push({ file, line, text });
  const { hasDoc, tags } = docTags(docNode);
  if (!hasDoc) {
    push(`${where}: missing TSDoc block`);
  }
  const documented = tags
    .filter((t) => ts.isJSDocParameterTag(t))
    .map((t) => (ts.isIdentifier(t.name) ? t.name.text : t.name.getText()))
    .filter((n) => !n.includes('.'));
  const params = fn.parameters.filter((p) => paramName(p) !== 'this');
  const unmatched = new Set(documented.filter((n) => !params.some((p) => paramName(p) === n)));
  for (const p of params) {
    const n = paramName(p);
    if (n !== null) {
      if (!documented.includes(n)) push(`${where}: missing @param ${n}`);
    } else if (unmatched.size > 0) {
      unmatched.delete(unmatched.values().next().value);
    } else {
      push(`${where}: missing @param for destructured parameter ${p.name.getText()}`);
    }
  }
  if (isConstructor) return;
  const signature = checker.getSignatureFromDeclaration(fn);
  if (!signature) return;
  const returns = checker.getReturnTypeOfSignature(signature);
  if (!isVoidLike(returns) && !tags.some((t) => t.tagName.text === 'returns' || t.tagName.text === 'return')) {
    push(`${where}: missing @returns (returns ${checker.typeToString(returns)})`);
  }
}

function checkFunctionDeclarations(decls, name) {
  const overloads = decls.filter((d) => !d.body);
  for (const d of overloads.length > 0 ? overloads : decls) checkSignature(d, d, name, false);
}

function checkClass(cls) {
  const className = cls.name?.text ?? 'default';
  const ctorOverloads = cls.members.filter((m) => ts.isConstructorDeclaration(m) && !m.body);
  for (const m of cls.members) {
    if (hasModifier(m, ts.SyntaxKind.PrivateKeyword) || hasModifier(m, ts.SyntaxKind.ProtectedKeyword)) continue;
    if (m.name && ts.isPrivateIdentifier(m.name)) continue;
    if (ts.isConstructorDeclaration(m)) {
      if (ctorOverloads.length > 0 && m.body) continue;
      checkSignature(m, m, `${className}.constructor`, true);
    } else if (ts.isMethodDeclaration(m)) {
      const siblings = cls.members.filter((o) => ts.isMethodDeclaration(o) && o.name.getText() === m.name.getText());
      if (siblings.some((o) => !o.body) && m.body) continue; // the implementation of an overloaded method
      const kind = hasModifier(m, ts.SyntaxKind.StaticKeyword) ? '.' : '#';
      checkSignature(m, m, `${className}${kind}${m.name.getText()}`, false);
    }
  }
}

for (const file of files) {
  const source = program.getSourceFile(file);
  if (!source) continue;
  const functions = new Map();
  for (const stmt of source.statements) {
    const exported = hasModifier(stmt, ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isFunctionDeclaration(stmt) && stmt.name) {
      const list = functions.get(stmt.name.text) ?? [];
      list.push(stmt);
      functions.set(stmt.name.text, list);
    } else if (ts.isClassDeclaration(stmt)) {
      checkClass(stmt);
    } else if (ts.isVariableStatement(stmt)) {
      for (const decl of stmt.declarationList.declarations) {
        const init = decl.initializer;
        if (init && ts.isIdentifier(decl.name) && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
          checkSignature(init, decl, decl.name.text, false);
        }
      }
    }
  }
  for (const [name, decls] of functions) checkFunctionDeclarations(decls, name);
}

// Declarations are visited by kind (classes before functions); print them in file and line order.
findings.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
for (const f of findings) console.log(f.text);
if (findings.length > 0) {
  console.error(`check-tsdoc: ${findings.length} finding(s) in ${folders.join(' ')}`);
  process.exit(1);
}
console.log(`check-tsdoc: ${files.length} files in ${folders.join(' ')}: every public function has @param and @returns`);
