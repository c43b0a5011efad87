// The CommonJS build, required (see check.cjs).
const check = require('./check.cjs');

check(require('@cb/concurrency'), {
  name: 'double-task.cjs',
  source: 'module.exports = (n) => n * 2;\n',
}).then(
  () => console.log('cjs smoke ok'),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
