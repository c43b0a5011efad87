import { runSuite } from '@cb-tools/bench';
import { ConcurrencyError } from '../src/index.js';

// Placeholder scenario until the package has real peers to race: constructing its error class.
await runSuite({
  title: '@cb/concurrency',
  scenarios: [
    {
      name: 'construct ConcurrencyError',
      unit: 'ops/s',
      baseline: 'Error',
      peers: {
        Error: ({ quick }) => {
          const n = quick ? 1e4 : 1e6;
          for (let i = 0; i < n; i++) new Error('x');
          return n;
        },
        ConcurrencyError: ({ quick }) => {
          const n = quick ? 1e4 : 1e6;
          for (let i = 0; i < n; i++) new ConcurrencyError('INVALID_OPTION', 'x');
          return n;
        },
      },
    },
  ],
});
