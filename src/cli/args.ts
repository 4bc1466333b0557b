/**
 * Command-line argument parsing for `decentdb`: options in any order around the positionals,
 * `--opt value`, `--opt=value`, `-c value`, `--` ends options. Knows nothing of commands:
 * each command passes its OptionSpec. A usage error is returned as a message, not thrown.
 */

/** 'flag' takes no value; 'value' takes exactly one (repeatable: values accumulate). */
export type OptionKind = 'flag' | 'value';
export type OptionSpec = Readonly<Record<string, OptionKind>>;

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: ReadonlySet<string>;
  /** Every value given for a 'value' option, in order. */
  readonly values: ReadonlyMap<string, readonly string[]>;
}

export type ParseOutcome = { readonly ok: true; readonly args: ParsedArgs } | { readonly ok: false; readonly message: string };

/**
 * @example
 * parseArgs(['db.ddb', '--json', '-c', 'SELECT 1'], { '--json': 'flag', '-c': 'value' })
 * // { ok: true, args: { positionals: ['db.ddb'], flags: {'--json'}, values: {'-c': ['SELECT 1']} } }
 */
export function parseArgs(argv: readonly string[], spec: OptionSpec): ParseOutcome {
  const positionals: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  let i = 0;
  while (i < argv.length) {
    const a = argv[i]!;
    i++;
    if (a === '--') {
      while (i < argv.length) positionals.push(argv[i++]!);
      break;
    }
    if (a.length < 2 || !a.startsWith('-')) {
      positionals.push(a);
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq < 0 ? a : a.slice(0, eq);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) return { ok: false, message: `unknown option ${name}` };
    if (kind === 'flag') {
      if (eq >= 0) return { ok: false, message: `option ${name} takes no value` };
      flags.add(name);
      continue;
    }
    let value: string;
    if (eq >= 0) {
      value = a.slice(eq + 1);
    } else {
      if (i >= argv.length) return { ok: false, message: `option ${name} needs a value` };
      value = argv[i++]!;
    }
    const list = values.get(name);
    if (list === undefined) values.set(name, [value]);
    else list.push(value);
  }
  return { ok: true, args: { positionals, flags, values } };
}

/** The single value of `name`, undefined when absent; a message when given more than once. */
export function singleValue(args: ParsedArgs, name: string): string | undefined | { readonly error: string } {
  const list = args.values.get(name);
  if (list === undefined) return undefined;
  if (list.length > 1) return { error: `option ${name} given more than once` };
  return list[0];
}

/** The single value of each named option (undefined when absent), or the first problem. */
export function singleValues<N extends string>(args: ParsedArgs, names: readonly N[]): { readonly values: Record<N, string | undefined> } | { readonly error: string } {
  const values = {} as Record<N, string | undefined>;
  for (const n of names) {
    const v = singleValue(args, n);
    if (typeof v === 'object') return v;
    values[n] = v;
  }
  return { values };
}
