import { describe, expect, it } from 'vitest';
import { FramedSocketError } from '../src/index.js';

describe('FramedSocketError', () => {
  it('is an Error with a stable code and keeps its cause', () => {
    const cause = new Error('root');
    const err = new FramedSocketError('FRAMED_SOCKET_INVALID_OPTION', 'bad option', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('FramedSocketError');
    expect(err.code).toBe('FRAMED_SOCKET_INVALID_OPTION');
    expect(err.cause).toBe(cause);
  });
});
