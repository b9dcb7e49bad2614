export * from './errors';
export * from './events';
export * from './limits';
export type * from './schemas';
