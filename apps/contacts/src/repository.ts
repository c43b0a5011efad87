import { getLogger } from '@cb/log';
import type { Contact, ContactStore } from './store.js';

const log = getLogger('contacts.repository');

/** What a user types to create a contact. */
export type NewContact = Omit<Contact, 'id'>;

/** The contact list: validation and ids on top of a store, logging what it does. */
export class ContactsRepository {
  private constructor(private readonly store: ContactStore) {}

  /** Opens the repository on a store. */
  static async open(open: () => Promise<ContactStore>, where: string): Promise<ContactsRepository> {
    log.info('initializing contacts repository...');
    log.debug('storage: %s', where);
    const store = await open();
    return new ContactsRepository(store);
  }

  /** Adds a contact and returns it with its id. Throws a TypeError for a missing name or a bad email. */
  async create(input: NewContact): Promise<Contact> {
    log.info('creating contact...');
    const name = input.name.trim();
    const email = input.email.trim();
    if (name === '') {
      log.warning('contact rejected: empty name');
      throw new TypeError('A contact needs a name');
    }
    if (email !== '' && !/^[^@\s]+@[^@\s]+$/.test(email)) {
      log.warning('contact rejected: bad email %r', email);
      throw new TypeError(`Not an email address: ${email}`);
    }
    const all = await this.store.all();
    const id = String(all.reduce((max, c) => Math.max(max, Number(c.id) || 0), 0) + 1);
    const contact: Contact = { id, name, email, phone: input.phone.trim() };
    await this.store.append(contact);
    log.debug('contact %s stored: %s <%s>', id, contact.name, contact.email);
    log.info('contact %s created', id);
    return contact;
  }

  /** Every contact, in the order they were created. */
  async list(): Promise<Contact[]> {
    log.info('listing contacts...');
    const all = await this.store.all();
    log.debug('%d contacts found', all.length);
    return all;
  }

  /** The contact with this id or (case-insensitive) name, or undefined. */
  async show(key: string): Promise<Contact | undefined> {
    log.info('looking up contact %r...', key);
    const k = key.trim().toLowerCase();
    const found = await this.store.find((c) => c.id === k || c.name.toLowerCase() === k);
    if (!found) log.warning('contact was not found... (%r)', key);
    return found;
  }

  /** Closes the store. */
  async close(): Promise<void> {
    log.debug('closing contacts repository');
    await this.store.close();
  }
}
