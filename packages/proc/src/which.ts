import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';

/** What a PATH search for a program found. */
export interface Lookup {
  /** The executable's path, or null. */
  readonly path: string | null;
  /** A matching file exists but is not executable (or is a directory). */
  readonly notExecutable: boolean;
  /** Directories searched (empty when the name contains a slash). */
  readonly searched: readonly string[];
}

function probe(file: string): 'exec' | 'noexec' | 'missing' {
  try {
    const st = statSync(file);
    if (st.isDirectory()) return 'noexec';
    accessSync(file, constants.X_OK);
    return 'exec';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EACCES' ? 'noexec' : 'missing';
  }
}

/**
 * Looks a program up the way `execvp` does: a name with a slash is a path (relative to `cwd`),
 * anything else is searched in `PATH` (an empty entry means the working directory).
 */
export function lookup(name: string, pathEnv: string | undefined, cwd: string): Lookup {
  if (name.includes('/')) {
    const found = probe(resolve(cwd, name));
    return {
      path: found === 'exec' ? resolve(cwd, name) : null,
      notExecutable: found === 'noexec',
      searched: [],
    };
  }
  const dirs = (pathEnv ?? '').split(delimiter).filter((d, i, all) => all.indexOf(d) === i);
  const searched = pathEnv === undefined || pathEnv === '' ? [] : dirs;
  let notExecutable = false;
  for (const dir of searched) {
    const file = resolve(cwd, dir || '.', name);
    const found = probe(file);
    if (found === 'exec') return { path: file, notExecutable: false, searched };
    if (found === 'noexec') notExecutable = true;
  }
  return { path: null, notExecutable, searched };
}
