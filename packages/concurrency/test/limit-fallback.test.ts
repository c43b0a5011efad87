import { describe, expect, it, vi } from 'vitest';
import { limit } from '../src/index.js';
import { clearsEachCall } from '../src/limit.js';
import { clearQueueContract } from './limit-clear.shared.js';

// As when p-limit resolves another copy of yocto-queue than this package: the package's Queue class
// is not the one p-limit's queue is made of (p-limit, outside the test bundle, keeps the real one).
vi.mock('yocto-queue', () => ({
  default: class OtherQueue {
    dequeue(): undefined {
      return undefined;
    }
  },
}));

describe('limit() when p-limit uses another copy of yocto-queue', () => {
  it('notices, and each call adds a catch instead', () => {
    expect(clearsEachCall()).toBe(false);
  });

  clearQueueContract(limit);
});
