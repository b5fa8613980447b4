// The chat room: members join on $connect (named by `?name=`), leave on $disconnect, and
// `sendmessage` broadcasts to everyone through the @connections API. The runtime provides the AWS SDK.
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';

const members = new Map(); // connectionId → name

export const handler = async (event) => {
  const { routeKey, connectionId, domainName, stage } = event.requestContext;
  if (routeKey === '$connect') {
    members.set(connectionId, event.queryStringParameters?.name ?? `guest-${connectionId.slice(0, 4)}`);
    return { statusCode: 200 };
  }
  if (routeKey === '$disconnect') {
    members.delete(connectionId);
    return { statusCode: 200 };
  }
  if (routeKey === 'sendmessage') {
    const { message } = JSON.parse(event.body);
    // As on AWS (Nimbus's Node runtime sends https to Nimbus's own address over plain http).
    const api = new ApiGatewayManagementApiClient({ endpoint: `https://${domainName}/${stage}` });
    const line = `${members.get(connectionId) ?? 'someone'}: ${message}`;
    await Promise.all(
      [...members.keys()].map(async (id) => {
        try {
          await api.send(new PostToConnectionCommand({ ConnectionId: id, Data: line }));
        } catch (err) {
          if (err.name === 'GoneException') members.delete(id); // left without a $disconnect we saw
          else throw err;
        }
      }),
    );
    return { statusCode: 200 };
  }
  // $default is two-way: this body goes back to the sender only.
  return { statusCode: 200, body: `${members.size} in the room. Send {"action":"sendmessage","message":"hi"}` };
};
