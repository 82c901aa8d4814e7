/** The engine's one public face. */
export * from './scenario';
export * from './types';
