// The ES module build, imported (see check.cjs).
import check from './check.cjs';

await check(await import('@cb/concurrency'), {
  name: 'double-task.mjs',
  source: 'export default (n) => n * 2;\n',
});
console.log('esm smoke ok');
