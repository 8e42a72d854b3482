/** Test support; import from '@flipside/domain/testing' (kept out of the production build). */
export * from './given-when-then';
export * from './event-contract';
export * from './untyped';
