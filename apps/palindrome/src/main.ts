// The chapter's program: read strings and print their shortest palindrome through the stacked
// timing, validation and caching layers, until `exit` (or end of input).
import { createInterface } from 'node:readline/promises';
import { createConverter } from './palindrome.js';

const { convert } = createConverter({ write: (line) => console.log(line) });
const interactive = Boolean(process.stdin.isTTY);
const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });

if (interactive) {
  console.log("Type a string to turn it into a palindrome; 'exit' quits.");
  rl.setPrompt('palindrome> ');
  rl.prompt();
}
for await (const raw of rl) {
  const line = raw.trim();
  if (line === 'exit') break;
  if (line !== '') convert(line);
  if (interactive) rl.prompt();
}
rl.close();
