// CodeDeploy error catalog (awsJson1.1: `__type` in the body). Names and statuses as CodeDeploy sends them.
import { errorType } from '../protocol/errors.js';

export const DeploymentIdRequired = errorType('DeploymentIdRequiredException', 400);
export const DeploymentDoesNotExist = errorType('DeploymentDoesNotExistException', 400);
export const InvalidDeploymentId = errorType('InvalidDeploymentIdException', 400);
export const InvalidHookExecutionId = errorType('InvalidLifecycleEventHookExecutionIdException', 400);
export const InvalidHookExecutionStatus = errorType('InvalidLifecycleEventHookExecutionStatusException', 400);
export const LifecycleEventAlreadyCompleted = errorType('LifecycleEventAlreadyCompletedException', 400);
export const UnsupportedAction = errorType('UnsupportedActionForDeploymentTypeException', 400);
export const ApplicationNameRequired = errorType('ApplicationNameRequiredException', 400);
export const DeploymentGroupNameRequired = errorType('DeploymentGroupNameRequiredException', 400);
export const RevisionRequired = errorType('RevisionRequiredException', 400);
export const InvalidRevision = errorType('InvalidRevisionException', 400);
export const DeploymentAlreadyCompleted = errorType('DeploymentAlreadyCompletedException', 400);
export const InvalidAction = errorType('InvalidOperationException', 400);
export const UnknownOperation = errorType('UnknownOperationException', 400);
export const Validation = errorType('ValidationException', 400);
