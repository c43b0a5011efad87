import { describe, expect, it } from 'vitest';
import { unwrap, wraps } from '../src/index.js';

describe('wraps(wrapper, wrapped)', () => {
  it('copies name, length and own properties, and exposes wrapped', () => {
    const tag = Symbol('tag');
    function original(a: number, b: number) {
      return a + b;
    }
    Object.assign(original, { version: 2, [tag]: 'x' });
    Object.defineProperty(original, 'hidden', { value: 'h', enumerable: false, configurable: true });
    const wrapper = wraps((...args: [number, number]) => original(...args) * 10, original);
    expect(wrapper.name).toBe('original');
    expect(wrapper.length).toBe(2);
    expect(wrapper.wrapped).toBe(original);
    expect((wrapper as unknown as Record<PropertyKey, unknown>).version).toBe(2);
    expect((wrapper as unknown as Record<PropertyKey, unknown>)[tag]).toBe('x');
    expect(Object.getOwnPropertyDescriptor(wrapper, 'hidden')?.enumerable).toBe(false);
    expect(wrapper(1, 2)).toBe(30);
  });

  it('points wrapped at the direct inner function, and unwrap follows the chain', () => {
    const inner = (x: number) => x;
    const middle = wraps((x: number) => inner(x), inner);
    const outer = wraps((x: number) => middle(x), middle);
    expect(outer.wrapped).toBe(middle);
    expect(unwrap(outer)).toBe(inner);
    expect(unwrap(outer, (f) => f === middle)).toBe(middle);
  });

  it('stops on a cycle instead of looping', () => {
    const a = () => 1;
    const b = wraps(() => 2, a);
    Object.defineProperty(a, 'wrapped', { value: b });
    expect([a, b]).toContain(unwrap(b));
  });

  it('rejects non-functions', () => {
    expect(() => wraps(1 as never, () => 1)).toThrow(TypeError);
  });
});
