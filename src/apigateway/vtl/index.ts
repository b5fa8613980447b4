// VTL for API Gateway mapping templates: the engine, $input, $util and Java value semantics.
export { renderTemplate, isLiteralTemplate, validateTemplate, TemplateError, MAX_FOREACH_ITERATIONS, hostObject } from './engine.js';
export { makeInput, EMPTY_PARAMS, type TemplateInput, type TemplateParams } from './input.js';
export { util } from './util.js';
export { javaString, markJson } from './java.js';
