// A Lambda authorizer with simple responses: the x-api-token header must be `secret-<user>`.
export const handler = async (event) => {
  const token = event.headers?.['x-api-token'] ?? '';
  return token.startsWith('secret-') ? { isAuthorized: true, context: { user: token.slice('secret-'.length) } } : { isAuthorized: false };
};
