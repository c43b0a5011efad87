import type { FastifyReply } from 'fastify';

/** A database id from a URL segment or form field; undefined unless it is a plain positive integer. */
export function parseId(text: unknown): number | undefined {
  if (typeof text !== 'string' || !/^[1-9]\d{0,8}$/.test(text)) return undefined;
  return Number(text);
}

/** Looks up the row whose id `text` names; undefined when `text` is no id or the row is missing. */
export async function findById<T>(
  text: unknown,
  lookup: (id: number) => Promise<T | undefined>,
): Promise<T | undefined> {
  const id = parseId(text);
  return id === undefined ? undefined : lookup(id);
}

/** Answers 404 with the site's not-found page. */
export function notFound(reply: FastifyReply, path: string): FastifyReply {
  return reply.render('errors/404.njk', { path }, 404);
}
