import { and, asc, count, desc, eq, lt, lte, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import {
  loginAttempts,
  type Option,
  options,
  type Riddle,
  riddles,
  sessions,
  type User,
  users,
} from './schema.js';

/** A riddle with its options, ordered by id. */
export interface RiddleWithOptions extends Riddle {
  options: Option[];
}

/** An option as the admin form submits it: `id` set for an existing option, absent for a new one. */
export interface OptionInput {
  id?: number;
  text: string;
  correct: boolean;
}

/** Every query the app runs; the same code serves PGlite and PostgreSQL. */
export class Repository {
  constructor(readonly db: Db) {}

  /** The `limit` latest riddles already published at `now`, newest first. */
  latestRiddles(now: Date, limit = 5): Promise<Riddle[]> {
    return this.db
      .select()
      .from(riddles)
      .where(lte(riddles.pubDate, now))
      .orderBy(desc(riddles.pubDate), desc(riddles.id))
      .limit(limit);
  }

  /** Every riddle for the admin list, newest first, with its number of options. */
  async allRiddles(): Promise<(Riddle & { optionCount: number })[]> {
    return this.db
      .select({
        id: riddles.id,
        riddleText: riddles.riddleText,
        pubDate: riddles.pubDate,
        optionCount: count(options.id),
      })
      .from(riddles)
      .leftJoin(options, eq(options.riddleId, riddles.id))
      .groupBy(riddles.id)
      .orderBy(desc(riddles.pubDate), desc(riddles.id));
  }

  async riddle(id: number): Promise<RiddleWithOptions | undefined> {
    const [row] = await this.db.select().from(riddles).where(eq(riddles.id, id));
    if (row === undefined) return undefined;
    const opts = await this.db
      .select()
      .from(options)
      .where(eq(options.riddleId, id))
      .orderBy(asc(options.id));
    return { ...row, options: opts };
  }

  async option(id: number): Promise<(Option & { riddleText: string }) | undefined> {
    const [row] = await this.db
      .select({
        id: options.id,
        riddleId: options.riddleId,
        text: options.text,
        correct: options.correct,
        riddleText: riddles.riddleText,
      })
      .from(options)
      .innerJoin(riddles, eq(riddles.id, options.riddleId))
      .where(eq(options.id, id));
    return row;
  }

  /** The option `optionId` if it belongs to riddle `riddleId`. */
  async optionOf(riddleId: number, optionId: number): Promise<Option | undefined> {
    const [row] = await this.db
      .select()
      .from(options)
      .where(and(eq(options.id, optionId), eq(options.riddleId, riddleId)));
    return row;
  }

  /** Creates a riddle and its options in one transaction; returns the new riddle's id. */
  async createRiddle(riddleText: string, pubDate: Date, opts: readonly OptionInput[]): Promise<number> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.insert(riddles).values({ riddleText, pubDate }).returning({ id: riddles.id });
      const id = row!.id;
      if (opts.length > 0) {
        await tx
          .insert(options)
          .values(opts.map((o) => ({ riddleId: id, text: o.text, correct: o.correct })));
      }
      return id;
    });
  }

  /**
   * Updates a riddle and upserts its options in one transaction: options with an `id` are updated
   * (only if they belong to this riddle), the others inserted. Returns false if the riddle is gone.
   */
  async updateRiddle(
    id: number,
    riddleText: string,
    pubDate: Date,
    opts: readonly OptionInput[],
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const updated = await tx
        .update(riddles)
        .set({ riddleText, pubDate })
        .where(eq(riddles.id, id))
        .returning({ id: riddles.id });
      if (updated.length === 0) return false;
      for (const o of opts) {
        if (o.id !== undefined) {
          await tx
            .update(options)
            .set({ text: o.text, correct: o.correct })
            .where(and(eq(options.id, o.id), eq(options.riddleId, id)));
        } else {
          await tx.insert(options).values({ riddleId: id, text: o.text, correct: o.correct });
        }
      }
      return true;
    });
  }

  /** Deletes a riddle (its options go with it, by the foreign key's cascade). */
  async deleteRiddle(id: number): Promise<Riddle | undefined> {
    const [row] = await this.db.delete(riddles).where(eq(riddles.id, id)).returning();
    return row;
  }

  async deleteOption(id: number): Promise<Option | undefined> {
    const [row] = await this.db.delete(options).where(eq(options.id, id)).returning();
    return row;
  }

  /** Riddles joined with their options (one row per option; riddles without options once), for CSV. */
  exportRows(): Promise<
    {
      riddleId: number;
      riddleText: string;
      pubDate: Date;
      optionId: number | null;
      text: string | null;
      correct: boolean | null;
    }[]
  > {
    return this.db
      .select({
        riddleId: riddles.id,
        riddleText: riddles.riddleText,
        pubDate: riddles.pubDate,
        optionId: options.id,
        text: options.text,
        correct: options.correct,
      })
      .from(riddles)
      .leftJoin(options, eq(options.riddleId, riddles.id))
      .orderBy(asc(riddles.id), asc(options.id));
  }

  // --- users -------------------------------------------------------------------------------------

  async userByName(username: string): Promise<User | undefined> {
    const [row] = await this.db
      .select()
      .from(users)
      .where(sql`lower(${users.username}) = lower(${username})`);
    return row;
  }

  async userCount(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(users);
    return row?.n ?? 0;
  }

  async userById(id: number): Promise<User | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    return row;
  }

  async createUser(username: string, email: string, passwordHash: string): Promise<number> {
    const [row] = await this.db
      .insert(users)
      .values({ username, email, passwordHash, isSuperuser: true })
      .returning({ id: users.id });
    return row!.id;
  }

  async touchLogin(id: number, now: Date): Promise<void> {
    await this.db.update(users).set({ lastLogin: now }).where(eq(users.id, id));
  }

  // --- lockout -----------------------------------------------------------------------------------

  async lockedUntil(username: string, now: Date): Promise<Date | undefined> {
    const [row] = await this.db
      .select({ lockedUntil: loginAttempts.lockedUntil })
      .from(loginAttempts)
      .where(eq(loginAttempts.username, username.toLowerCase()));
    return row?.lockedUntil != null && row.lockedUntil > now ? row.lockedUntil : undefined;
  }

  /**
   * Counts one failure atomically and locks the name once `maxFailures` is reached; an expired lock
   * starts a fresh count. Returns the failures counted so far and the lock, if any.
   */
  async recordFailure(
    username: string,
    now: Date,
    maxFailures: number,
    lockMs: number,
  ): Promise<{ failures: number; lockedUntil: Date | null }> {
    const key = username.toLowerCase();
    const lockAt = new Date(now.getTime() + lockMs);
    const [row] = await this.db
      .insert(loginAttempts)
      .values({ username: key, failures: 1, lastFailure: now, lockedUntil: maxFailures <= 1 ? lockAt : null })
      .onConflictDoUpdate({
        target: loginAttempts.username,
        set: {
          failures: sql`case when ${loginAttempts.lockedUntil} is not null and ${loginAttempts.lockedUntil} <= ${now} then 1 else ${loginAttempts.failures} + 1 end`,
          lockedUntil: sql`case
            when ${loginAttempts.lockedUntil} is not null and ${loginAttempts.lockedUntil} <= ${now} then null
            when ${loginAttempts.failures} + 1 >= ${maxFailures} then ${lockAt}::timestamptz
            else ${loginAttempts.lockedUntil} end`,
          lastFailure: now,
        },
      })
      .returning({ failures: loginAttempts.failures, lockedUntil: loginAttempts.lockedUntil });
    return row!;
  }

  async clearFailures(username: string): Promise<void> {
    await this.db.delete(loginAttempts).where(eq(loginAttempts.username, username.toLowerCase()));
  }

  // --- sessions ----------------------------------------------------------------------------------

  async sessionGet(sid: string, now: Date): Promise<unknown> {
    const [row] = await this.db
      .select({ data: sessions.data, expiresAt: sessions.expiresAt })
      .from(sessions)
      .where(eq(sessions.sid, sid));
    if (row === undefined || row.expiresAt <= now) return undefined;
    return row.data;
  }

  async sessionSet(sid: string, data: unknown, expiresAt: Date): Promise<void> {
    await this.db
      .insert(sessions)
      .values({ sid, data, expiresAt })
      .onConflictDoUpdate({ target: sessions.sid, set: { data, expiresAt } });
  }

  async sessionDestroy(sid: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.sid, sid));
  }

  /** Removes expired sessions; returns how many. */
  async sessionPurge(now: Date): Promise<number> {
    const rows = await this.db
      .delete(sessions)
      .where(lt(sessions.expiresAt, now))
      .returning({ sid: sessions.sid });
    return rows.length;
  }
}
