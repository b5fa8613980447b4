// Identifier shapes AWS uses for API Gateway: 10 lowercase alphanumerics for APIs, resources,
// deployments, keys, plans…; 6 for models and validators as AWS does; 40-char API key values.
import { randomBytes } from 'node:crypto';

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function pick(alphabet: string, length: number): string {
  // Rejection sampling keeps the distribution uniform over the alphabet.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < limit) out += alphabet[b % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export const newId = (length = 10): string => pick(LOWER, length);
export const newShortId = (): string => pick(LOWER, 6);
/** API key values: AWS generates 40 characters of letters and digits. */
export const newApiKeyValue = (): string => pick(MIXED, 40);
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
