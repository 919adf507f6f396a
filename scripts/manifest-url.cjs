// The production manifest: every https://localhost:3000 URL of manifest.xml moved to ADDIN_PRODUCTION_URL. The dev
// origin appears both with a path (https://localhost:3000/taskpane.html) and bare, without the trailing slash, in
// <AppDomain>: replacing only "https://localhost:3000/" left the bare one in the published manifest (issue #18).

/** ADDIN_PRODUCTION_URL checked and given its trailing slash; undefined/empty = the dev URL (a local build). */
function normalizeProductionUrl(value, devUrl = 'https://localhost:3000/') {
  if (value === undefined || value === '') return devUrl;
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`ADDIN_PRODUCTION_URL: expected an https URL such as https://ledger.example.com/, got "${value}"`);
  }
  // Office loads add-in pages over https only (manifest SourceLocation, AppDomain).
  if (url.protocol !== 'https:') throw new Error(`ADDIN_PRODUCTION_URL: expected an https URL, got "${value}"`);
  if (url.search || url.hash) throw new Error(`ADDIN_PRODUCTION_URL: no query or fragment allowed, got "${value}"`);
  const s = url.toString();
  return s.endsWith('/') ? s : `${s}/`;
}

/** manifest.xml with the dev origin replaced: URLs under devUrl move under prodUrl, the bare origin to prodUrl's origin. */
function productionManifest(xml, devUrl, prodUrl) {
  const devOrigin = devUrl.replace(/\/+$/, '');
  const prodOrigin = new URL(prodUrl).origin;
  return xml.split(devUrl).join(prodUrl).split(devOrigin).join(prodOrigin);
}

module.exports = { normalizeProductionUrl, productionManifest };
