import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import addressparser from 'nodemailer/lib/addressparser';
import { EnvelopeError, HeaderError, MessageError } from './errors.js';

/** A mailbox: `"ada@example.com"`, `"Ada Lovelace <ada@example.com>"`, or `{ name, address }`. */
export type Address = string | { name?: string; address: string };

/** One address, or several (a string may also hold a comma-separated list). */
export type AddressList = Address | readonly Address[];

/** A file attached to the message, or an inline image referenced from the HTML by `cid:`. */
export interface Attachment {
  /** File name shown to the recipient. @default the base name of `path`, else none */
  filename?: string;
  /** A local file, read when the message is sent (streamed, never loaded whole). */
  path?: string;
  /** The bytes (or text, UTF-8) of the attachment. */
  content?: string | Uint8Array;
  /** A readable stream of the bytes; a message with a stream attachment is sent once, never retried. */
  stream?: Readable;
  /** MIME type. @default guessed from `filename`/`path`, else `application/octet-stream` */
  contentType?: string;
  /** Content-ID for inline images: `<img src="cid:logo">` with `cid: 'logo'`. */
  cid?: string;
}

/** Message priority, sent as `X-Priority`, `X-MSMail-Priority` and `Importance`. */
export type Priority = 'high' | 'normal' | 'low';

/** A message to send or compose. */
export interface Message {
  /** The author; also the envelope sender. */
  from: Address;
  to?: AddressList;
  cc?: AddressList;
  /** Recipients that do not appear in the headers. */
  bcc?: AddressList;
  replyTo?: AddressList;
  /** Subject; non-ASCII is RFC 2047 encoded. */
  subject?: string;
  /** Plain-text body. */
  text?: string | Uint8Array;
  /** HTML body; with `text` too, the message is `multipart/alternative`. */
  html?: string | Uint8Array;
  attachments?: readonly Attachment[];
  /** Extra header fields. Names must be valid field names; the fields above cannot be set here. */
  headers?: Readonly<Record<string, string | readonly string[]>>;
  /** @default 'normal' (no priority headers) */
  priority?: Priority;
  /** @default now */
  date?: Date;
  /** Message-ID with angle brackets, e.g. `<id@example.com>`. @default generated */
  messageId?: string;
  inReplyTo?: string;
  references?: string | readonly string[];
}

/** @internal A validated address. */
export interface Mailbox {
  name: string;
  address: string;
}

/** @internal An attachment whose fields passed validation: the same shape as the caller's. */
export type PreparedAttachment = Attachment;

/** @internal A validated message: nothing in it can break the header block. */
export interface PreparedMessage {
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  replyTo: Mailbox[];
  subject: string | undefined;
  text: string | Uint8Array | undefined;
  html: string | Uint8Array | undefined;
  attachments: PreparedAttachment[];
  headers: Record<string, string | string[]>;
  priority: Priority;
  date: Date | undefined;
  messageId: string | undefined;
  inReplyTo: string | undefined;
  references: string[] | undefined;
  /** False when an attachment is a one-shot stream. */
  retryable: boolean;
}

const MESSAGE_KEYS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'subject',
  'text',
  'html',
  'attachments',
  'headers',
  'priority',
  'date',
  'messageId',
  'inReplyTo',
  'references',
]);
const ATTACHMENT_KEYS = new Set(['filename', 'path', 'content', 'stream', 'contentType', 'cid']);
/** Header fields that have their own message option (or are MIME structure) and may not be set by hand. */
const RESERVED_HEADERS = new Map<string, string>([
  ['from', 'from'],
  ['to', 'to'],
  ['cc', 'cc'],
  ['bcc', 'bcc'],
  ['reply-to', 'replyTo'],
  ['subject', 'subject'],
  ['date', 'date'],
  ['message-id', 'messageId'],
  ['in-reply-to', 'inReplyTo'],
  ['references', 'references'],
  ['mime-version', ''],
  ['content-type', ''],
  ['content-transfer-encoding', ''],
]);
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const LINE_BREAK = /[\r\n\0]/;
// local@domain with no spaces, brackets or separators; non-ASCII (SMTPUTF8) allowed.
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

function show(value: string): string {
  return JSON.stringify(value);
}

/** @internal Throws `HeaderError` when `value` holds CR, LF or NUL. */
export function checkHeaderValue(value: string, field: string): void {
  if (LINE_BREAK.test(value)) {
    throw new HeaderError(
      `${field} contains a line break (CR/LF/NUL), which would inject header lines: ${show(value)}`,
      field,
      value,
    );
  }
}

function checkAddress(address: string, field: string, recipient: boolean): void {
  checkHeaderValue(address, field);
  if (!ADDRESS.test(address)) {
    const rejected = recipient ? [{ address }] : [];
    throw new EnvelopeError(`${field} is not a valid e-mail address: ${show(address)}`, rejected, { field });
  }
}

function parseAddresses(input: unknown, field: string, recipient: boolean): Mailbox[] {
  if (input === undefined || input === null) return [];
  const items: unknown[] = Array.isArray(input) ? input : [input];
  const out: Mailbox[] = [];
  items.forEach((item, index) => {
    const at = Array.isArray(input) ? `${field}[${index}]` : field;
    if (typeof item === 'string') {
      checkHeaderValue(item, at);
      if (item.trim() === '') return;
      const flat: Mailbox[] = [];
      const walk = (list: ReturnType<typeof addressparser>): void => {
        for (const entry of list) {
          if ('group' in entry && Array.isArray(entry.group)) walk(entry.group);
          else flat.push({ name: entry.name ?? '', address: (entry as { address?: string }).address ?? '' });
        }
      };
      walk(addressparser(item));
      if (flat.length === 0) {
        throw new EnvelopeError(
          `${at} holds no e-mail address: ${show(item)}`,
          recipient ? [{ address: item }] : [],
          {
            field: at,
          },
        );
      }
      for (const box of flat) {
        checkAddress(box.address, at, recipient);
        out.push(box);
      }
      return;
    }
    if (typeof item === 'object' && item !== null && typeof (item as Mailbox).address === 'string') {
      const { name, address } = item as { name?: unknown; address: string };
      for (const key of Object.keys(item)) {
        if (key !== 'name' && key !== 'address')
          throw new TypeError(`Unknown address key \`${key}\` in ${at}`);
      }
      if (name !== undefined && typeof name !== 'string') throw new TypeError(`${at}.name must be a string`);
      if (name !== undefined) checkHeaderValue(name, `${at}.name`);
      checkAddress(address, `${at}.address`, recipient);
      out.push({ name: name ?? '', address });
      return;
    }
    throw new TypeError(`${at} must be an address string or { name, address }`);
  });
  return out;
}

function checkBody(value: unknown, field: string): string | Uint8Array | undefined {
  if (value === undefined || typeof value === 'string' || value instanceof Uint8Array) return value;
  throw new TypeError(`\`${field}\` must be a string or bytes`);
}

function isReadable(value: unknown): value is Readable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Readable).pipe === 'function' &&
    typeof (value as Readable).on === 'function'
  );
}

/**
 * @internal Validates a message before anything is sent. Throws `HeaderError` (EHEADER) for line breaks in
 * any header-bound value, `EnvelopeError` for bad addresses or no recipients, `MessageError` for the rest.
 */
export async function prepareMessage(message: Message): Promise<PreparedMessage> {
  if (typeof message !== 'object' || message === null) throw new TypeError('A message must be an object');
  for (const key of Object.keys(message)) {
    if (!MESSAGE_KEYS.has(key)) throw new TypeError(`Unknown message field \`${key}\``);
  }
  if (message.from === undefined) throw new MessageError('A message needs `from`', { field: 'from' });
  const fromList = parseAddresses(message.from, 'from', false);
  if (fromList.length !== 1) {
    throw new MessageError(`\`from\` must be exactly one address, got ${fromList.length}`, { field: 'from' });
  }
  const to = parseAddresses(message.to, 'to', true);
  const cc = parseAddresses(message.cc, 'cc', true);
  const bcc = parseAddresses(message.bcc, 'bcc', true);
  const replyTo = parseAddresses(message.replyTo, 'replyTo', false);
  if (to.length + cc.length + bcc.length === 0) {
    throw new EnvelopeError('A message needs at least one recipient in `to`, `cc` or `bcc`', [], {
      field: 'to',
    });
  }
  if (message.subject !== undefined) {
    if (typeof message.subject !== 'string') throw new TypeError('`subject` must be a string');
    checkHeaderValue(message.subject, 'subject');
  }
  const text = checkBody(message.text, 'text');
  const html = checkBody(message.html, 'html');

  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!FIELD_NAME.test(name)) {
      throw new HeaderError(`Header name ${show(name)} is not a valid field name`, `headers.${name}`, name);
    }
    const reserved = RESERVED_HEADERS.get(name.toLowerCase());
    if (reserved !== undefined) {
      throw new MessageError(
        reserved
          ? `Set the ${name} header with the \`${reserved}\` field, not \`headers\``
          : `The ${name} header is part of the MIME structure and cannot be set by hand`,
        { field: `headers.${name}` },
      );
    }
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v !== 'string')
        throw new TypeError(`headers.${name} must be a string or an array of strings`);
      checkHeaderValue(v, `headers.${name}`);
    }
    headers[name] = Array.isArray(value) ? [...values] : (value as string);
  }

  let retryable = true;
  const attachments: PreparedAttachment[] = [];
  for (const [i, a] of (message.attachments ?? []).entries()) {
    const at = `attachments[${i}]`;
    if (typeof a !== 'object' || a === null) throw new TypeError(`${at} must be an object`);
    for (const key of Object.keys(a)) {
      if (!ATTACHMENT_KEYS.has(key)) throw new TypeError(`Unknown attachment field \`${key}\` in ${at}`);
    }
    const sources = [a.path, a.content, a.stream].filter((s) => s !== undefined).length;
    if (sources !== 1) {
      throw new MessageError(`${at} needs exactly one of \`path\`, \`content\` or \`stream\``, { field: at });
    }
    for (const key of ['filename', 'contentType', 'cid'] as const) {
      const v = a[key];
      if (v === undefined) continue;
      if (typeof v !== 'string') throw new TypeError(`${at}.${key} must be a string`);
      checkHeaderValue(v, `${at}.${key}`);
    }
    if (a.cid !== undefined && /[<>\s]/.test(a.cid)) {
      throw new HeaderError(`${at}.cid must not contain <, > or spaces: ${show(a.cid)}`, `${at}.cid`, a.cid);
    }
    if (a.contentType !== undefined && !/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/.test(a.contentType)) {
      throw new MessageError(`${at}.contentType is not a MIME type: ${show(a.contentType)}`, {
        field: `${at}.contentType`,
      });
    }
    if (a.path !== undefined) {
      if (typeof a.path !== 'string') throw new TypeError(`${at}.path must be a string`);
      try {
        const s = await stat(a.path);
        if (!s.isFile())
          throw new MessageError(`${at}.path is not a file: ${a.path}`, { field: `${at}.path` });
      } catch (err) {
        if (err instanceof MessageError) throw err;
        throw new MessageError(`${at}.path cannot be read: ${a.path}`, {
          field: `${at}.path`,
          systemCode: (err as NodeJS.ErrnoException).code,
        });
      }
    }
    if (a.content !== undefined && typeof a.content !== 'string' && !(a.content instanceof Uint8Array)) {
      throw new TypeError(`${at}.content must be a string or bytes`);
    }
    if (a.stream !== undefined) {
      if (!isReadable(a.stream)) throw new TypeError(`${at}.stream must be a readable stream`);
      retryable = false;
    }
    attachments.push({ ...a });
  }

  if (message.priority !== undefined && !['high', 'normal', 'low'].includes(message.priority)) {
    throw new MessageError(
      `\`priority\` must be 'high', 'normal' or 'low', got ${show(String(message.priority))}`,
      {
        field: 'priority',
      },
    );
  }
  if (
    message.date !== undefined &&
    !(message.date instanceof Date && !Number.isNaN(message.date.getTime()))
  ) {
    throw new TypeError('`date` must be a valid Date');
  }
  for (const key of ['messageId', 'inReplyTo'] as const) {
    const v = message[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new TypeError(`\`${key}\` must be a string`);
    checkHeaderValue(v, key);
  }
  let references: string[] | undefined;
  if (message.references !== undefined) {
    references = typeof message.references === 'string' ? [message.references] : [...message.references];
    for (const r of references) {
      if (typeof r !== 'string') throw new TypeError('`references` must be strings');
      checkHeaderValue(r, 'references');
    }
  }

  return {
    from: fromList[0]!,
    to,
    cc,
    bcc,
    replyTo,
    subject: message.subject,
    text,
    html,
    attachments,
    headers,
    priority: message.priority ?? 'normal',
    date: message.date,
    messageId: message.messageId,
    inReplyTo: message.inReplyTo,
    references,
    retryable,
  };
}
