// The installed @pydantic/genai-prices version (its package.json is not exported, so it cannot be
// imported); a test checks this against node_modules so an upgrade cannot go unrecorded.
export const CATALOG_PACKAGE_VERSION = '0.1.8';
