// The function: an ordinary Node.js handler. AWS's runtime interface client (aws-lambda-ric)
// loads it and talks to Nimbus's Runtime API exactly as it talks to AWS's.
exports.handler = async (event, context) => {
  console.log('event received by aws-lambda-ric', JSON.stringify(event));
  if (event && event.fail) throw new Error('failure requested');
  return {
    message: `hello ${event && event.name ? event.name : 'world'}`,
    requestId: context.awsRequestId,
    functionName: context.functionName,
    client: 'aws-lambda-ric',
  };
};
