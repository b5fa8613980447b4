// PreTraffic hook: CodeDeploy (here: `nimbus deploy`) invokes it with {DeploymentId,
// LifecycleEventHookExecutionId} before shifting traffic. It calls the new version once and reports
// Succeeded or Failed with PutLifecycleEventHookExecutionStatus. Plain node:http, no SDK needed;
// AWS_ENDPOINT_URL points at Nimbus.
const http = require('node:http');

function call(target, body) {
  const url = new URL(process.env.AWS_ENDPOINT_URL);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname: url.hostname, port: url.port, path: target.path, method: 'POST', headers: target.headers },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

exports.handler = async (event) => {
  // Invoke the function's newest published version directly (Lambda Invoke API).
  const fn = encodeURIComponent(process.env.TARGET_FUNCTION);
  const probe = await call(
    { path: `/2015-03-31/functions/${fn}/invocations`, headers: { 'content-type': 'application/json' } },
    JSON.stringify({ httpMethod: 'GET', resource: '/hello', queryStringParameters: { name: 'hook' } }),
  );
  const ok = probe.status === 200 && !probe.headers['x-amz-function-error'] && JSON.parse(probe.text).statusCode === 200;
  console.log(`probe: HTTP ${probe.status} ${probe.text.slice(0, 200)} → ${ok ? 'Succeeded' : 'Failed'}`);
  await call(
    { path: '/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus' } },
    JSON.stringify({ deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: ok ? 'Succeeded' : 'Failed' }),
  );
  return ok ? 'Succeeded' : 'Failed';
};
