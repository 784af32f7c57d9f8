export * from './chain';
export * from './content';
export * from './errors';
