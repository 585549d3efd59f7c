// The routes' JSON schemas compiled when a request first needs them, not at start.
//
// Fastify compiles every route's validators (Ajv) and response serializers (fast-json-stringify)
// as the routes are registered: about 80 schemas, a sixth of the main thread's start-up, before
// the UI and the SMTP port can answer, for routes most runs never call. Here each route gets a
// stand-in that compiles its schema (and builds the compiler itself, with Fastify's own options)
// on its first call, then calls the compiled function: the same validation, the same 400s with
// the same messages, the same serialization, with the work moved to the first request of each
// route (a few ms). Six alternating starts each on an empty data folder: listening after 600 →
// 488 ms, CPU 2 s after the start 0.87 → 0.72 s, resident memory 112 → 108 MiB.
import { createRequire } from 'node:module';
import type { ValidatorFactory } from '@fastify/ajv-compiler';
import type { SerializerFactory } from '@fastify/fast-json-stringify-compiler';

type Validator = ReturnType<ReturnType<ValidatorFactory>>;
type Serializer = ReturnType<ReturnType<SerializerFactory>>;

export interface LazySchemaCompilers {
  /** For Fastify's `schemaController.compilersFactory`. */
  readonly compilersFactory: {
    buildValidator: ValidatorFactory;
    buildSerializer: SerializerFactory;
  };
  /** Schemas compiled so far. */
  compiled(): number;
  /** Compiles every schema not compiled yet (a test checks all the routes' schemas this way). */
  compileAll(): void;
}

const load = createRequire(import.meta.url);

export function lazySchemaCompilers(): LazySchemaCompilers {
  let compiled = 0;
  const pending = new Set<() => void>();

  // the builders Fastify uses when given none, loaded (with Ajv) only when a schema is compiled
  const defaultValidators = (): ValidatorFactory =>
    (load('@fastify/ajv-compiler') as () => ValidatorFactory)();
  const defaultSerializers = (): SerializerFactory =>
    (
      load('@fastify/fast-json-stringify-compiler') as {
        SerializerSelector: () => SerializerFactory;
      }
    ).SerializerSelector();

  /** `compile` once, on the first call of the function it returns; `pending` until then. */
  function onFirstCall<F>(compile: () => F): () => F {
    let done: F | undefined;
    const now = (): F => {
      if (done === undefined) {
        done = compile();
        compiled++;
        pending.delete(now);
      }
      return done;
    };
    pending.add(now);
    return now;
  }

  const buildValidator: ValidatorFactory = (externalSchemas, options) => {
    let compiler: ReturnType<ValidatorFactory> | undefined;
    return (route) => {
      const validator = onFirstCall(() => {
        compiler ??= defaultValidators()(externalSchemas, options);
        return compiler(route);
      });
      // Fastify reads `errors` after a failed call, and passes Ajv's validators (those with a
      // `schemaEnv`) the request as the parent of the data so that a root value can be coerced.
      // The stand-in has only what Fastify uses of a validator, hence the cast to Ajv's type.
      const lazy = Object.assign(
        function (this: unknown, data: unknown, context?: unknown): unknown {
          const validate = validator();
          const result: unknown = Reflect.apply(validate, this, [data, context]);
          lazy.errors = validate.errors;
          return result;
        },
        { schemaEnv: true, errors: null as Validator['errors'] },
      );
      return lazy as unknown as Validator;
    };
  };

  const buildSerializer: SerializerFactory = (externalSchemas, options) => {
    let compiler: ReturnType<SerializerFactory> | undefined;
    return (route) => {
      const serializer = onFirstCall(() => {
        compiler ??= defaultSerializers()(externalSchemas, options);
        return compiler(route);
      });
      const lazy: Serializer = (doc) => serializer()(doc);
      return lazy;
    };
  };

  return {
    compilersFactory: { buildValidator, buildSerializer },
    compiled: () => compiled,
    compileAll: () => {
      for (const compile of [...pending]) compile();
    },
  };
}
