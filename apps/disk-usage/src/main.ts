// disk-usage: the cookbook's subprocess chapter on @cb/proc.
//   npm start -- size [DIR]          ask for a directory (stdin) and print `du -sh` for it
//   npm start -- size-of-tmp [DIR..] drive `size` through its stdin with communicate()
//   npm start -- injection [NAME]    the unsafe shell call and the safe one, side by side
import { injectionMain } from './injection.js';
import { sizeMain } from './size.js';
import { sizeOfTmpMain } from './size-of-tmp.js';

const commands: Record<string, (args: readonly string[]) => Promise<number>> = {
  size: sizeMain,
  'size-of-tmp': sizeOfTmpMain,
  injection: injectionMain,
};

const [name = 'size', ...rest] = process.argv.slice(2);
const command = commands[name];
if (!command) {
  process.stderr.write(
    `unknown command ${JSON.stringify(name)}; use one of: ${Object.keys(commands).join(', ')}\n`,
  );
  process.exitCode = 2;
} else {
  process.exitCode = await command(rest);
}
