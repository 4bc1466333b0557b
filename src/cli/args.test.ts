import { describe, expect, it } from 'vitest';
import { parseArgs, singleValue, singleValues } from './args.js';

const SPEC = { '--json': 'flag', '-c': 'value', '--table': 'value' } as const;

describe('parseArgs', () => {
  it('accepts options before and after the positionals, in any order', () => {
    for (const argv of [
      ['db', '--json', '-c', 'SELECT 1'],
      ['db', '-c', 'SELECT 1', '--json'],
      ['--json', 'db', '-c', 'SELECT 1'],
    ]) {
      const r = parseArgs(argv, SPEC);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      expect(r.args.positionals).toEqual(['db']);
      expect(r.args.flags.has('--json')).toBe(true);
      expect(r.args.values.get('-c')).toEqual(['SELECT 1']);
    }
  });

  it('collects repeated values in order and reads --name=value', () => {
    const r = parseArgs(['db', '-c', 'a', '--table=t', '-c', 'b'], SPEC);
    expect(r.ok && r.args.values.get('-c')).toEqual(['a', 'b']);
    expect(r.ok && r.args.values.get('--table')).toEqual(['t']);
  });

  it('treats a value that looks like an option as the value', () => {
    const r = parseArgs(['db', '-c', '--json'], SPEC);
    expect(r.ok && r.args.flags.has('--json')).toBe(false);
    expect(r.ok && r.args.values.get('-c')).toEqual(['--json']);
  });

  it('takes everything after -- as positionals, and a lone - as a positional', () => {
    const r = parseArgs(['-', '--', '--json'], SPEC);
    expect(r.ok && r.args.positionals).toEqual(['-', '--json']);
  });

  it('reports unknown options, missing values and values given to flags', () => {
    expect(parseArgs(['db', '--nope'], SPEC)).toEqual({ ok: false, message: 'unknown option --nope' });
    expect(parseArgs(['db', '-c'], SPEC)).toEqual({ ok: false, message: 'option -c needs a value' });
    expect(parseArgs(['db', '--json=1'], SPEC)).toEqual({ ok: false, message: 'option --json takes no value' });
  });

  it('singleValue rejects a repeated option', () => {
    const r = parseArgs(['--table', 'a', '--table', 'b'], SPEC);
    if (!r.ok) throw new Error('parse failed');
    expect(singleValue(r.args, '--table')).toEqual({ error: 'option --table given more than once' });
    expect(singleValue(r.args, '-c')).toBeUndefined();
    expect(singleValues(r.args, ['-c', '--table'])).toEqual({ error: 'option --table given more than once' });
  });
});
