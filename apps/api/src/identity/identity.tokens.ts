/** Injects the TokenVerifier (token-verifier.ts) built from the configured keys. */
export const TOKEN_VERIFIER = Symbol('TokenVerifier');
