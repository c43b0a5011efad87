/**
 * The riddles schema: the TypeScript source of truth that `npm run makemigrations` turns into the
 * SQL migrations under `migrations/`. Keep this file free of imports other than drizzle-orm, because
 * drizzle-kit loads it on its own.
 */
import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';

/** A riddle shown on the public site; `pubDate` decides its place in the list of the latest five. */
export const riddles = pgTable(
  'riddles',
  {
    id: serial('id').primaryKey(),
    riddleText: varchar('riddle_text', { length: 255 }).notNull(),
    pubDate: timestamp('pub_date', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('riddles_pub_date_idx').on(t.pubDate)],
);

/** One answer a visitor can pick for a riddle; deleting the riddle deletes its options. */
export const options = pgTable(
  'options',
  {
    id: serial('id').primaryKey(),
    riddleId: integer('riddle_id')
      .notNull()
      .references(() => riddles.id, { onDelete: 'cascade' }),
    text: varchar('text', { length: 255 }).notNull(),
    correct: boolean('correct').notNull().default(false),
  },
  (t) => [index('options_riddle_id_idx').on(t.riddleId)],
);

/** Admin accounts (Django's `auth_user`, trimmed to what the admin needs). */
export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    username: varchar('username', { length: 150 }).notNull(),
    email: varchar('email', { length: 254 }).notNull().default(''),
    passwordHash: text('password_hash').notNull(),
    isSuperuser: boolean('is_superuser').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastLogin: timestamp('last_login', { withTimezone: true, mode: 'date' }),
  },
  (t) => [uniqueIndex('users_username_lower_idx').on(sql`lower(${t.username})`)],
);

/**
 * Failed logins per lowercased user name, kept whether or not the account exists so that the
 * lockout does not reveal which names are real.
 */
export const loginAttempts = pgTable('login_attempts', {
  username: varchar('username', { length: 150 }).primaryKey(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
  lastFailure: timestamp('last_failure', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** Server-side sessions; the browser only holds the signed session id. */
export const sessions = pgTable(
  'sessions',
  {
    sid: varchar('sid', { length: 128 }).primaryKey(),
    data: jsonb('data').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('sessions_expires_at_idx').on(t.expiresAt)],
);

/** A riddle row as the queries return it. */
export type Riddle = typeof riddles.$inferSelect;
/** An option row as the queries return it. */
export type Option = typeof options.$inferSelect;
/** An admin account row. */
export type User = typeof users.$inferSelect;
