// The API's request validators, compiled once per process for each schema instead of once per
// server start. Fastify makes a new Ajv for every instance and compiles every route's schema
// again (the routes build their schema objects anew, so Ajv's own cache, keyed by the object,
// never hits): about a sixth of a start's main-thread time. `relaydesk serve` and the desktop app
// start the server once per process, so they compile as before; what gains is a process that
// starts one server after another: the test suite starts ~200 in its own processes, each ~0.1-0.2
// s of CPU cheaper. A validator is a pure function of its schema and the Ajv options, and Fastify
// reads a failed validation's `errors` synchronously after the call, so sharing one between
// servers shares nothing else.
import { AjvCompiler, type ValidatorFactory } from '@fastify/ajv-compiler';

type Validator = ReturnType<ReturnType<ValidatorFactory>>;

// the Ajv instances, by the external schemas and the options (Fastify's own pool, shared)
const ajvPool = AjvCompiler();
const compiledBy = new WeakMap<object, Map<string, Validator>>();

export const sharedValidators: ValidatorFactory = (externalSchemas, options) => {
  const compile = ajvPool(externalSchemas, options);
  let compiled = compiledBy.get(compile);
  if (!compiled) compiledBy.set(compile, (compiled = new Map()));
  const known = compiled;
  return (route) => {
    // the schema alone decides the code Ajv writes (method, URL and part only name it)
    const key = JSON.stringify(route.schema);
    let validate = known.get(key);
    if (!validate) known.set(key, (validate = compile(route)));
    return validate;
  };
};
