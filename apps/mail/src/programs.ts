// The cookbook's four mail programs, on @cb/mailer. Each takes a ready mailer so that the same code runs
// against the embedded test server or a real one.
import type { Mailer, SendResult } from '@cb/mailer';

/** Who the programs write as and to. */
export interface Parties {
  from: string;
  to: string;
}

/** Program 1: a plain-text message (the cookbook's `smtplib.SMTP('localhost').sendmail(...)`). */
export function sendSimple(mailer: Mailer, { from, to }: Parties): Promise<SendResult> {
  return mailer.send({
    from,
    to,
    subject: 'Simple message',
    text: 'Hello!\nThis is a plain-text message sent over SMTP.\n',
  });
}

/** Program 2: the same over implicit TLS with a login; TLS and login live in the mailer's options. */
export function sendWithLogin(mailer: Mailer, { from, to }: Parties): Promise<SendResult> {
  return mailer.send({
    from,
    to,
    subject: 'Sent over TLS after logging in',
    text: 'This message travelled over implicit TLS (port 465 style) after AUTH.\n',
  });
}

const HTML = `<!doctype html>
<html>
  <body>
    <h1>Hello from the mail chapter</h1>
    <p>This is an <b>HTML</b> message with a plain-text alternative for clients that want one.</p>
  </body>
</html>
`;

/** Program 3: an HTML message, with a plain-text alternative (multipart/alternative). */
export function sendHtml(mailer: Mailer, { from, to }: Parties): Promise<SendResult> {
  return mailer.send({
    from,
    to,
    subject: 'An HTML message',
    text: 'Hello from the mail chapter\n\nThis is an HTML message; your client shows its text alternative.\n',
    html: HTML,
  });
}

/**
 * Program 4: HTML with `attachment.txt`. The cookbook built this MIME by hand, with a broken boundary and
 * the attachment labelled `multipart/mixed`; here the library builds it and types the part `text/plain`.
 */
export function sendHtmlWithAttachment(
  mailer: Mailer,
  { from, to }: Parties,
  attachmentPath: string,
): Promise<SendResult> {
  return mailer.send({
    from,
    to,
    subject: 'An HTML message with attachment.txt',
    text: 'The attachment is attached.\n',
    html: '<p>The <code>attachment.txt</code> file is attached.</p>\n',
    attachments: [{ path: attachmentPath, filename: 'attachment.txt', contentType: 'text/plain' }],
  });
}

/** The programs by name, in cookbook order. */
export const PROGRAMS = ['simple', 'ssl', 'html', 'attachment'] as const;
export type ProgramName = (typeof PROGRAMS)[number];
