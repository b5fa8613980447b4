// CodeDeploy for Nimbus (Lambda deployments' lifecycle hooks). Reached only through this module.
export { createCodeDeployService } from './service.js';
export { parseAppSpec } from './core.js';
