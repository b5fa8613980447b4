// The approval notifier Lambda function. A real one would e-mail or chat the approver a link that
// carries the task token; this one logs it, which is enough for the demo script to pick it up.
export const handler = async (event) => {
  console.log(JSON.stringify({ approvalRequested: event.request, taskToken: event.taskToken }));
  return { notified: true };
};
