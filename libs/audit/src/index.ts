export * from './chain';
export * from './verification';
export * from './anchors';
export * from './program-streams';
export * from './seal-key-store';
