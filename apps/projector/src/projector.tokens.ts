/** Nest injection tokens of the projector process. */
export const PROJECTOR_SETTINGS = Symbol('ProjectorSettings');
export const PROCESSOR_FACTORIES = Symbol('ProcessorFactories');
