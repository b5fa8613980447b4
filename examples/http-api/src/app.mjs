// Notes kept in the execution environment's memory: enough to show the HTTP API's payload format
// 2.0 (routeKey, pathParameters, cookies) and its response rules. A real app would use a database.
const notes = new Map();
let next = 1;

export const handler = async (event) => {
  switch (event.routeKey) {
    case 'GET /notes':
      // A plain object: API Gateway answers 200 with it as JSON.
      return { notes: [...notes.values()] };
    case 'POST /notes': {
      const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString() : event.body ?? '';
      const note = { id: String(next++), text, by: (event.cookies ?? []).find((c) => c.startsWith('user='))?.slice(5) ?? 'anonymous' };
      notes.set(note.id, note);
      return {
        statusCode: 201,
        headers: { 'content-type': 'application/json', location: `/notes/${note.id}` },
        cookies: [`last-note=${note.id}; Path=/`],
        body: JSON.stringify(note),
      };
    }
    case 'GET /notes/{id}': {
      const note = notes.get(event.pathParameters.id);
      return note ?? { statusCode: 404, body: JSON.stringify({ message: `no note ${event.pathParameters.id}` }) };
    }
    default:
      return { statusCode: 400, body: JSON.stringify({ message: `unexpected route ${event.routeKey}` }) };
  }
};
