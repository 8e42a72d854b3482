/** Injection tokens the audit use cases share; the seal is the write path's own (streams module, global). */
export { SEAL, SEAL_KEY } from '../streams/seal-key.provider';
