// One task pane page loads the taskpane, functions and commands bundles (shared runtime). workbench.html runs the
// same task pane on the in-browser preview workbook (HyperFormula), for machines without Excel.
const http = require('http');
const path = require('path');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const CustomFunctionsMetadataPlugin = require('custom-functions-metadata-plugin');

const { productionManifest, normalizeProductionUrl } = require('./scripts/manifest-url.cjs');

const devUrl = 'https://localhost:3000/';
// Set ADDIN_PRODUCTION_URL (e.g. https://ledger.example.com/) to publish the manifest for a real host.
const prodUrl = normalizeProductionUrl(process.env.ADDIN_PRODUCTION_URL);
// The oldest webviews the add-in supports (README "Supported Excel"): every bundle is ES2021 syntax. Our TypeScript
// already compiles to ES2020; dependencies are lowered by swc because some ship newer syntax (genai-prices' private
// class fields, Fluent UI's class static blocks — WebKit before 16.4 cannot parse those: a blank pane on older Macs).
const BROWSER_SYNTAX = 'es2021';
// Origins of Excel on the web and Office (where a browser-hosted add-in's requests come from).
const OFFICE_ORIGIN = /^https:\/\/([a-z0-9-]+\.)*(officeapps\.live\.com|office\.com|office365\.com|microsoft365\.com|cloud\.microsoft|sharepoint\.com|live\.com)$/i;

module.exports = async (env, options) => {
  const dev = options.mode === 'development';
  const serving = process.env.WEBPACK_SERVE === 'true';
  if (!dev && !serving && !process.env.ADDIN_PRODUCTION_URL) {
    console.warn('ADDIN_PRODUCTION_URL is not set: dist/manifest.xml still points at https://localhost:3000 (fine for a local test; set it to publish).');
  }
  const config = {
    devtool: 'source-map',
    entry: {
      taskpane: './src/taskpane/index.tsx',
      functions: './src/functions/register.ts',
      commands: './src/commands/commands.ts',
      workbench: './src/taskpane/workbench/index.tsx',
    },
    output: { path: path.resolve(__dirname, 'dist'), clean: true },
    resolve: { extensions: ['.ts', '.tsx', '.js', '.json'] },
    module: {
      rules: [
        { test: /\.tsx?$/, exclude: /node_modules/, use: { loader: 'ts-loader', options: { transpileOnly: true, compilerOptions: { noEmit: false } } } },
        {
          test: /\.m?js$/,
          include: /node_modules/,
          use: { loader: 'swc-loader', options: { jsc: { target: BROWSER_SYNTAX, parser: { syntax: 'ecmascript' } }, module: { type: 'es6' }, isModule: 'unknown', minify: false, sourceMaps: true } },
        },
      ],
    },
    plugins: [
      new CustomFunctionsMetadataPlugin({ output: 'functions.json', input: './src/functions/functions.ts' }),
      new HtmlWebpackPlugin({ filename: 'taskpane.html', template: './src/taskpane/taskpane.html', chunks: ['taskpane', 'functions', 'commands'] }),
      new HtmlWebpackPlugin({ filename: 'workbench.html', template: './src/taskpane/workbench/workbench.html', chunks: ['workbench'] }),
      new CopyWebpackPlugin({
        patterns: [
          { from: 'assets/*.png', to: 'assets/[name][ext]' },
          // The manifest's SupportUrl and LearnMoreUrl: a static page served with the add-in.
          { from: 'src/support/support.html', to: 'support.html' },
          {
            from: 'manifest.xml',
            to: 'manifest.xml',
            transform(content) {
              return dev ? content : productionManifest(content.toString(), devUrl, prodUrl);
            },
          },
        ],
      }),
    ],
    performance: { hints: false },
  };
  if (serving) {
    // Certificates only when serving, so `npm run build` needs none.
    let server = { type: 'https' };
    try {
      const httpsOptions = await require('office-addin-dev-certs').getHttpsServerOptions();
      server = { type: 'https', options: { ca: httpsOptions.ca, key: httpsOptions.key, cert: httpsOptions.cert } };
    } catch (err) {
      // No way to trust a CA here (e.g. Linux without sudo): serve with a self-signed certificate instead of failing.
      console.warn(`Dev certificate not installed (${err.message.split('\n')[0]}); serving with a self-signed certificate your browser must accept.`);
    }
    // The workbench is also served over plain http on localhost (no certificate for a browser to accept); Excel
    // needs the https port. WORKBENCH_HTTP_PORT=0 turns the mirror off.
    const httpPort = Number(process.env.WORKBENCH_HTTP_PORT ?? 3001);
    config.devServer = {
      // Localhost only, and no wildcard CORS (any site could read the pane's files through the user's browser). Excel
      // on the web fetches the add-in's files (functions.json) from Microsoft's Office origins: only those get CORS.
      host: 'localhost',
      headers: (req) => {
        const origin = req.headers.origin;
        return origin && OFFICE_ORIGIN.test(origin) ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : { Vary: 'Origin' };
      },
      server,
      // Live reload connects back to whichever origin served the page (the https port or the http mirror).
      client: { webSocketURL: 'auto://0.0.0.0:0/ws' },
      port: Number(process.env.DEV_SERVER_PORT || process.env.npm_package_config_dev_server_port || 3000),
      setupMiddlewares(middlewares) {
        middlewares.unshift({ name: 'workbench-home', path: '/', middleware: (req, res, next) => (req.path === '/' ? res.redirect('/workbench.html') : next()) });
        return middlewares;
      },
      onListening(devServer) {
        if (!httpPort) return;
        const mirror = http.createServer(devServer.app);
        // Live reload over the mirror too: hand its websocket upgrades to the dev server's socket server.
        mirror.on('upgrade', (req, socket, head) => {
          const wss = devServer.webSocketServer && devServer.webSocketServer.implementation;
          if (!wss || !wss.shouldHandle(req)) return socket.destroy();
          wss.handleUpgrade(req, socket, head, (conn) => wss.emit('connection', conn, req));
        });
        mirror.on('error', (err) => console.warn(`Workbench http mirror on port ${httpPort} not started: ${err.message}`));
        mirror.listen(httpPort, 'localhost');
      },
    };
  }
  return config;
};
