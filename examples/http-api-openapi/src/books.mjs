// Books kept in the execution environment's memory: enough to show an HTTP API imported from
// OpenAPI calling a function with payload format 2.0. A real app would use a database.
const books = new Map();
let next = 1;

export const handler = async (event) => {
  switch (event.routeKey) {
    case 'GET /books':
      return { books: [...books.values()] };
    case 'POST /books': {
      const title = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString() : event.body ?? '';
      // The authorizer's context says who added it.
      const book = { id: String(next++), title, by: event.requestContext.authorizer?.lambda?.user ?? 'unknown' };
      books.set(book.id, book);
      return { statusCode: 201, headers: { 'content-type': 'application/json', location: `/books/${book.id}` }, body: JSON.stringify(book) };
    }
    case 'GET /books/{id}': {
      const book = books.get(event.pathParameters.id);
      return book ?? { statusCode: 404, body: JSON.stringify({ message: `no book ${event.pathParameters.id}` }) };
    }
    default:
      return { statusCode: 400, body: JSON.stringify({ message: `unexpected route ${event.routeKey}` }) };
  }
};
