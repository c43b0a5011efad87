import { runSuite } from '@cb-tools/bench';
import { MemoDecoratorsError } from '../src/index.js';

// Placeholder scenario until the package has real peers to race: constructing its error class.
await runSuite({
  title: '@cb/memo-decorators',
  scenarios: [
    {
      name: 'construct MemoDecoratorsError',
      unit: 'ops/s',
      baseline: 'Error',
      peers: {
        Error: ({ quick }) => {
          const n = quick ? 1e4 : 1e6;
          for (let i = 0; i < n; i++) new Error('x');
          return n;
        },
        MemoDecoratorsError: ({ quick }) => {
          const n = quick ? 1e4 : 1e6;
          for (let i = 0; i < n; i++) new MemoDecoratorsError('MEMO_DECORATORS_INVALID_OPTION', 'x');
          return n;
        },
      },
    },
  ],
});
