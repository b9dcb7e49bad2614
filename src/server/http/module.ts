import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { TypedApp } from './typed-routes';

/**
 * A feature module as a named Fastify plugin: it registers its REST routes (typed) and, through
 * what it is given, its socket events. Not encapsulated, so its routes join the API document and
 * the app's error handler like any other.
 */
export function parleyModule<Options>(
  name: string,
  register: (app: TypedApp, options: Options) => void | Promise<void>,
) {
  return fp<Options & Record<never, never>>(
    async (app: FastifyInstance, options) => {
      await register(app.withTypeProvider<ZodTypeProvider>(), options);
    },
    { name, fastify: '5.x' },
  );
}
