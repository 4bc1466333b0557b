// Layer 7, sql: Lexer, Parser, AST and the AST → SQL Printer. No storage, no catalog: names are
// unresolved and types only mapped to SqlType (ADR-0004). Everything above imports through here.
export type * from './ast.js';
export { parse, parseScript, parseExpression } from './parser.js';
export { printExpr, printStatement, printType, quoteIdent, quoteString, type PrintOptions } from './printer.js';
export { splitStatements, type SplitResult } from './split-statements.js';
export { positionOf } from './token-stream.js';
export { locate, sqlErrorAt, tokenize, type Token, type TokenKind, type SourceLocation } from './lexer.js';
export { RESERVED_WORDS } from './keywords.js';
