import { openTable } from '@cb/csv';

/** One contact as stored: every field is text in the CSV file. */
export interface Contact {
  id: string;
  name: string;
  email: string;
  phone: string;
}

/** The columns of contacts.csv, in order. */
export const FIELDS = ['id', 'name', 'email', 'phone'] as const;

/** Where contacts live. The app talks to storage only through this, so the backend can be switched. */
export interface ContactStore {
  append(contact: Contact): Promise<void>;
  all(): Promise<Contact[]>;
  find(predicate: (c: Contact) => boolean): Promise<Contact | undefined>;
  close(): Promise<void>;
}

/** Contacts in an append-safe CSV table (@cb/csv's openTable). */
export async function openCsvStore(path: string): Promise<ContactStore> {
  const table = await openTable(path, { fieldnames: FIELDS });
  return {
    append: (contact) => table.append(contact),
    all: () => table.readAll(),
    async find(predicate) {
      for await (const c of table.find(predicate)) return c;
      return undefined;
    },
    close: () => table.close(),
  };
}
