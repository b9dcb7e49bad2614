import type { IncomingMessage } from 'node:http';
import fastifyHelmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** One year: browsers then refuse plain HTTP for the host (and its subdomains) that long. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Helmet's headers with the console's CSP, no inline styles or scripts anywhere. HSTS goes only
 * on responses sent over HTTPS: on plain HTTP a browser ignores it at best, and on a host that
 * also serves other things over HTTP (localhost) it would break them.
 */
export async function securityHeaders(
  app: FastifyInstance,
  isSecure: (request: IncomingMessage) => boolean,
): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { directives: consoleCsp },
    strictTransportSecurity: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (isSecure(request.raw)) reply.header('strict-transport-security', HSTS);
  });
}

const consoleCsp = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  // Parley is often run on plain http://localhost or a LAN address; HTTPS is the proxy's job.
  upgradeInsecureRequests: null,
};
