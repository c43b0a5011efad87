import type { Repository } from '../db/repo.js';
import { RiddlesError } from '../errors.js';
import { hashPassword } from './password.js';

/** What `createsuperuser` asks for. */
export interface NewSuperuser {
  username: string;
  email: string;
  password: string;
}

const USERNAME = /^[\p{L}\p{N}_.@+-]{1,150}$/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks one field the way `createsuperuser` does; returns the problem or undefined. */
export function validateSuperuserField(
  name: keyof NewSuperuser,
  value: string,
  username = '',
): string | undefined {
  switch (name) {
    case 'username':
      if (!USERNAME.test(value)) {
        return 'Enter a valid username: up to 150 letters, digits and @/./+/-/_ characters.';
      }
      return undefined;
    case 'email':
      if (value !== '' && (value.length > 254 || !EMAIL.test(value))) return 'Enter a valid email address.';
      return undefined;
    case 'password':
      if (value.length < 8) return 'This password is too short. It must contain at least 8 characters.';
      if (/^\d+$/.test(value)) return 'This password is entirely numeric.';
      if (username !== '' && value.toLowerCase() === username.toLowerCase()) {
        return 'The password is too similar to the username.';
      }
      return undefined;
  }
}

/** Validates and stores a new admin account with an scrypt hash; returns its id. */
export async function createSuperuser(repo: Repository, input: NewSuperuser): Promise<number> {
  for (const name of ['username', 'email', 'password'] as const) {
    const problem = validateSuperuserField(name, input[name], input.username);
    if (problem !== undefined) {
      throw new RiddlesError('RIDDLES_INVALID_SUPERUSER', `${name}: ${problem}`, { field: name });
    }
  }
  if ((await repo.userByName(input.username)) !== undefined) {
    throw new RiddlesError('RIDDLES_USER_EXISTS', `Error: That username is already taken.`, {
      username: input.username,
    });
  }
  return repo.createUser(input.username, input.email, await hashPassword(input.password));
}
