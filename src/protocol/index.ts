export * from './errors';
export * from './events';
export * from './limits';
export type * from './routing-schemas';
export type * from './schemas';
export * from './settings';
export type * from './settings-schemas';
export type * from './transfer-schemas';
export type * from './inbox-schemas';
