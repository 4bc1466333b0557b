/**
 * Structural rewrites of stored SQL expressions (CHECK, DEFAULT, GENERATED text) when a column
 * is renamed or dropped. AST nodes are plain readonly objects, so a generic copy-on-change walk
 * covers every node kind without listing them.
 */
import type { Expr } from '../sql/index.js';

/**
 * Returns `expr` with every unqualified or qualified reference to column `column` renamed by
 * `rename` (called once per reference; it may also just observe).
 */
export function renameColumnRefs(expr: Expr, column: string, rename: (name: string) => string): Expr {
  const target = column.toLowerCase();
  return walk(expr, (node) => {
    if (node.kind !== 'column') return undefined;
    const ref = node as unknown as Extract<Expr, { kind: 'column' }>;
    if (ref.name.name.toLowerCase() !== target) return undefined;
    return { ...ref, name: { ...ref.name, name: rename(ref.name.name) } };
  }) as Expr;
}

type Node = { readonly kind?: unknown } & Record<string, unknown>;

function walk(value: unknown, visit: (node: Node) => unknown): unknown {
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const w = walk(v, visit);
      if (w !== v) changed = true;
      return w;
    });
    return changed ? out : value;
  }
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const node = value as Node;
  const replaced = visit(node);
  if (replaced !== undefined) return replaced;
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(node)) {
    const child = node[key];
    const next = walk(child, visit);
    if (next !== child) {
      copy ??= { ...node };
      copy[key] = next;
    }
  }
  return copy ?? node;
}
