// Non-interactive tour of the chapter: every input once, then again to show the cache at work.
import { createConverter } from './palindrome.js';

export const INPUTS = ['anitalavalatina', 'menem', 'mene', 'casa', 'casaca', 'anita lava la tina'];

const { convert, cache } = createConverter({ write: (line) => console.log(line) });

for (const round of ['first call', 'second call (served from cache)']) {
  console.log(`--- ${round}`);
  for (const input of INPUTS) {
    console.log(`> ${input}`);
    convert(input);
  }
}
const info = cache.cacheInfo();
console.log(
  `--- cache: hits=${info.hits} misses=${info.misses} maxSize=${info.maxSize} currSize=${info.currSize}`,
);
