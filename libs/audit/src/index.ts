export * from './chain';
export * from './verification';
export * from './anchors';
