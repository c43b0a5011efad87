import { createInterface } from 'node:readline';
import type { Contact } from './store.js';
import type { ContactsRepository } from './repository.js';

/** The menu, as the cookbook prints it. */
export const MENU = ['1) Create Contact', '2) List Contacts', '3) Show Contact', '0) Exit'].join('\n');

function describe(c: Contact): string {
  return `#${c.id} ${c.name}${c.email ? ` <${c.email}>` : ''}${c.phone ? ` ${c.phone}` : ''}`;
}

/**
 * Runs the menu loop over `input`/`output` until `0` or the end of input. Lines are read through an
 * async iterator, so scripted (piped) input is never lost between prompts.
 */
export async function runMenu(
  repo: ContactsRepository,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): Promise<void> {
  const rl = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  const lines = rl[Symbol.asyncIterator]();
  const say = (text: string): void => {
    output.write(`${text}\n`);
  };
  const ask = async (prompt: string): Promise<string | null> => {
    output.write(prompt);
    const next = await lines.next();
    if (next.done) return null;
    if (!('isTTY' in input && input.isTTY)) output.write(`${next.value}\n`);
    return next.value;
  };
  try {
    for (;;) {
      say(`\n${MENU}`);
      const choice = await ask('Choose an option: ');
      if (choice === null || choice.trim() === '0') {
        say('Bye!');
        return;
      }
      switch (choice.trim()) {
        case '1': {
          const name = await ask('Name: ');
          const email = await ask('Email: ');
          const phone = await ask('Phone: ');
          if (name === null || email === null || phone === null) return;
          try {
            const c = await repo.create({ name, email, phone });
            say(`Created ${describe(c)}`);
          } catch (err) {
            if (!(err instanceof TypeError)) throw err;
            say(`Not created: ${err.message}`);
          }
          break;
        }
        case '2': {
          const all = await repo.list();
          if (all.length === 0) say('No contacts yet.');
          for (const c of all) say(describe(c));
          break;
        }
        case '3': {
          const key = await ask('Name or id: ');
          if (key === null) return;
          const c = await repo.show(key);
          say(c ? describe(c) : `No contact named ${JSON.stringify(key)}.`);
          break;
        }
        default:
          say(`Unknown option ${JSON.stringify(choice)}.`);
      }
    }
  } finally {
    rl.close();
  }
}
