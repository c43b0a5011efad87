import { defineConfig } from 'drizzle-kit';

// Used by `npm run makemigrations` (drizzle-kit generate): offline, no database needed.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
});
