// Entry of the functions bundle: the metadata plugin's loader appends CustomFunctions.associate calls for functions.ts.
export * from './functions';
