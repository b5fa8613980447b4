// State-level processing: what each state does to its input, in the order AWS applies the fields.
// JSONPath: InputPath → Parameters → (task) → ResultSelector → ResultPath → OutputPath, with Assign
// evaluated against the state's effective result (Pass: its result; Choice/Wait: its input after
// InputPath; Catch: the error output). JSONata: Arguments → (task) → Assign and Output with
// $states.input / $states.result / $states.errorOutput; Output defaults to the result (or input).
// Assign never changes what the same state's expressions see: values apply after the state.
// One module per state type lives in ./process/; this file is their public face.
export type { ChoiceOutcome, WaitOutcome, FailOutcome, TaskInvocation, MapPlan, ItemBatcherPlan } from './process/types.js';
export { runPass } from './process/pass.js';
export { runChoice } from './process/choice.js';
export { runWait } from './process/wait.js';
export { runSucceed, runFail } from './process/terminal.js';
export { taskInput, taskResult } from './process/task.js';
export { parallelInput } from './process/parallel.js';
export { mapInput, mapItemInput, mapTolerance } from './process/map.js';
export { stateResult, catchResult } from './process/result.js';
