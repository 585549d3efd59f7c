// The API's request validators: each compiled when its route is first asked, then once per
// process for each schema. Fastify compiles every route's schema when the server starts (~75
// routes: a tenth of `relaydesk serve`'s start-up CPU), most for routes a session never calls;
// and it makes a new Ajv for every instance, compiling each schema again (the routes build their
// schema objects anew, so Ajv's own cache, keyed by the object, never hits), which a process
// that starts one server after another (the test suite) paid each time. A validator is a pure
// function of its schema and the Ajv options, and Fastify reads a failed validation's `errors`
// synchronously after the call, so sharing one between servers shares nothing else.
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
    if (!validate) known.set(key, (validate = compiledOnFirstCall(() => compile(route))));
    return validate;
  };
};

/** A validator that has Ajv write its code on its first call; `errors` as Ajv's own gives them. */
function compiledOnFirstCall(compile: () => Validator): Validator {
  let compiled: Validator | null = null;
  const validate = (data: unknown): unknown => {
    compiled ??= compile();
    const result: unknown = compiled(data);
    (validate as { errors?: unknown }).errors = (compiled as { errors?: unknown }).errors;
    return result;
  };
  return validate as unknown as Validator;
}
