import { describe, expect, it } from 'vitest';
import { DecentDBError } from '../src/util/index.js';
import { pageRows } from './client.js';
import { channelNames, decodeError, encodeError, parseMessage, PROTOCOL_VERSION } from './protocol.js';

describe('protocol', () => {
  it('round-trips a DecentDBError through its wire form', () => {
    const wire = encodeError(new DecentDBError('ERR_CONSTRAINT', 'duplicate key', { table: 't' }));
    const back = structuredClone(wire);
    const err = decodeError(back);
    expect(err).toBeInstanceOf(DecentDBError);
    expect([err.code, err.message, err.details]).toEqual(['ERR_CONSTRAINT', 'duplicate key', { table: 't' }]);
  });

  it('wraps foreign errors as ERR_INTERNAL', () => {
    expect(encodeError(new TypeError('x')).code).toBe('ERR_INTERNAL');
  });

  it('accepts only its own version and known kinds', () => {
    expect(parseMessage({ v: PROTOCOL_VERSION, kind: 'discover', clientId: 'a' })?.kind).toBe('discover');
    expect(parseMessage({ v: PROTOCOL_VERSION + 1, kind: 'discover', clientId: 'a' })).toBeUndefined();
    expect(parseMessage({ v: PROTOCOL_VERSION, kind: 'nonsense' })).toBeUndefined();
    expect(parseMessage('junk')).toBeUndefined();
  });

  it('puts the version and the encoded name in every channel and lock name', () => {
    const n = channelNames('my db/1');
    expect(n.ownerLock).toBe(`decentdb.v${PROTOCOL_VERSION}:my%20db%2F1:owner`);
    expect(new Set([n.ownerLock, n.requests, n.control, n.client('c'), n.clientLock('c')]).size).toBe(5);
  });
});

describe('pageRows', () => {
  const page = { columns: ['id', 'name'], columnValues: [[1, 2], ['a', 'b']], rowCount: 2, done: true };
  it('builds row objects from a column page', () => {
    expect(pageRows(page)).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
  });
  it('builds row arrays from a column page', () => {
    expect(pageRows(page, 'array')).toEqual([[1, 'a'], [2, 'b']]);
  });
});
