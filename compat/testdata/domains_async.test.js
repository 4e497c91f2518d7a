'use strict';
// The official Node SDK (@alicloud/fc2 2.6.6) drives custom domains and function async invoke
// configs against `fcdeploy serve`: every operation through the SDK's own methods
// (createCustomDomain, getCustomDomain, listCustomDomains, updateCustomDomain,
// deleteCustomDomain, putFunctionAsyncConfig, getFunctionAsyncConfig, listFunctionAsyncConfigs,
// deleteFunctionAsyncConfig), then what the server does with them: a request carrying the
// custom domain as Host reaches the routed function, and a failing async invocation reaches its
// onFailure function with the destination record.
//
// Target: FC_ENDPOINT, FC_ACCOUNT_ID, FC_ACCESS_KEY_ID, FC_ACCESS_KEY_SECRET (FC_REGION optional).
// The tests run in order and share one service.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { makeZip, connect, rejectsWith } = require('./helpers');

const { client, endpoint, accountID } = connect('domains_async.test.js', 30000);

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const svc = `domains-${run}`;
const domain = `shop-${run}.example.com`;
const sinkFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fcdeploy-compat-')), 'sink.txt');
const zip = makeZip({
  'index.js': [
    "const fs = require('fs');",
    "exports.web = (req, resp, context) => {",
    "  resp.setStatusCode(200);",
    "  resp.setHeader('content-type', 'application/json');",
    "  resp.send(JSON.stringify({ path: req.path, method: req.method, fn: context.function.name }));",
    "};",
    "exports.fail = (event, context, callback) => callback(new Error('failing on purpose'));",
    "exports.sink = (event, context, callback) => {",
    "  fs.appendFileSync(process.env.SINK, event.toString() + '\\n');",
    "  callback(null, 'stored');",
    "};",
    "",
  ].join('\n'),
});
const sinkArn = `acs:fc:${process.env.FC_REGION || 'cn-hangzhou'}:${accountID}:services/${svc}/functions/sink`;

// hostRequest sends a plain HTTP request to the server with Host set to host, the way a
// browser reaches a custom domain whose DNS points at Function Compute.
function hostRequest(method, host, urlPath) {
  const u = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname: u.hostname, port: u.port, method, path: urlPath, headers: { host } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('deploy an HTTP function, a failing function and a sink', async () => {
  await client.createService(svc);
  for (const fn of ['web', 'fail', 'sink']) {
    await client.createFunction(svc, {
      functionName: fn, runtime: 'nodejs14', handler: `index.${fn}`, timeout: 10,
      environmentVariables: { SINK: sinkFile },
      code: { zipFile: zip.toString('base64') },
    });
  }
  await client.createTrigger(svc, 'web', {
    triggerName: 'http', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] },
  });
});

test('createCustomDomain binds a domain and answers the whole resource', async () => {
  const resp = await client.createCustomDomain(domain, {
    protocol: 'HTTP',
    routeConfig: { routes: [
      { path: '/api/*', serviceName: svc, functionName: 'web' },
      { path: '/admin', serviceName: svc, functionName: 'web', methods: ['GET'] },
    ] },
  });
  assert.ok(resp.headers['x-fc-request-id']);
  assert.equal(resp.data.domainName, domain);
  assert.equal(resp.data.accountId, accountID);
  assert.equal(resp.data.protocol, 'HTTP');
  assert.equal(resp.data.apiVersion, '2016-08-15');
  assert.equal(resp.data.routeConfig.routes.length, 2);
  assert.deepEqual(resp.data.routeConfig.routes[1].methods, ['GET']);
  assert.ok(resp.data.createdTime);
  await rejectsWith(client.createCustomDomain(domain, { protocol: 'HTTP' }), 'DomainNameAlreadyExists', 409);
  await rejectsWith(client.createCustomDomain(`bad-${run}.example.com`, {
    routeConfig: { routes: [{ path: 'no-slash', serviceName: svc, functionName: 'web' }] },
  }), 'InvalidArgument', 400);
  await rejectsWith(client.createCustomDomain(`tls-${run}.example.com`, { protocol: 'HTTPS' }), 'InvalidArgument', 400);
});

test('getCustomDomain and listCustomDomains read it back, in pages', async () => {
  const got = await client.getCustomDomain(domain);
  assert.equal(got.data.domainName, domain);
  assert.equal(got.data.routeConfig.routes[0].path, '/api/*');

  await client.createCustomDomain(`shop-${run}.example.org`, {});
  const first = await client.listCustomDomains({ prefix: `shop-${run}`, limit: 1 });
  assert.equal(first.data.customDomains.length, 1);
  assert.equal(first.data.customDomains[0].domainName, domain);
  assert.ok(first.data.nextToken);
  const second = await client.listCustomDomains({ prefix: `shop-${run}`, limit: 1, nextToken: first.data.nextToken });
  assert.deepEqual(second.data.customDomains.map((d) => d.domainName), [`shop-${run}.example.org`]);
  assert.equal(second.data.nextToken, undefined);
  await rejectsWith(client.getCustomDomain(`missing-${run}.example.com`), 'DomainNameNotFound', 404);
});

test('a request whose Host is the custom domain reaches the routed function', async () => {
  let r = await hostRequest('POST', `${domain}:80`, '/api/orders/7?x=1');
  assert.equal(r.status, 200, r.body);
  assert.deepEqual(JSON.parse(r.body), { path: '/api/orders/7', method: 'POST', fn: 'web' });

  r = await hostRequest('POST', domain, '/admin');
  assert.equal(r.status, 405, r.body);
  r = await hostRequest('GET', domain, '/nowhere');
  assert.equal(r.status, 404);
  assert.match(r.body, /has no route for path \/nowhere/);
});

test('updateCustomDomain replaces the route table', async () => {
  const resp = await client.updateCustomDomain(domain, {
    routeConfig: { routes: [{ path: '/*', serviceName: svc, functionName: 'web', qualifier: 'LATEST' }] },
  });
  assert.deepEqual(resp.data.routeConfig.routes.map((rt) => rt.path), ['/*']);
  assert.equal(resp.data.protocol, 'HTTP', 'fields not sent stay as they were');
  const r = await hostRequest('GET', domain, '/anything');
  assert.equal(r.status, 200, r.body);
  assert.equal(JSON.parse(r.body).path, '/anything');
});

test('deleteCustomDomain unbinds it', async () => {
  await client.deleteCustomDomain(domain);
  await client.deleteCustomDomain(`shop-${run}.example.org`);
  await rejectsWith(client.getCustomDomain(domain), 'DomainNameNotFound', 404);
  const r = await hostRequest('GET', domain, '/anything');
  assert.equal(r.status, 404);
});

test('putFunctionAsyncConfig, get, list and delete, with and without a qualifier', async () => {
  await rejectsWith(client.getFunctionAsyncConfig(svc, 'fail'), 'AsyncConfigNotExists', 404);
  const put = await client.putFunctionAsyncConfig(svc, 'fail', 'LATEST', {
    maxAsyncRetryAttempts: 0,
    maxAsyncEventAgeInSeconds: 3600,
    destinationConfig: { onFailure: { destination: sinkArn } },
  });
  assert.equal(put.data.service, svc);
  assert.equal(put.data.function, 'fail');
  assert.equal(put.data.qualifier, 'LATEST');
  assert.equal(put.data.maxAsyncRetryAttempts, 0);
  assert.equal(put.data.destinationConfig.onFailure.destination, sinkArn);

  const got = await client.getFunctionAsyncConfig(svc, 'fail');
  assert.deepEqual(got.data, put.data, 'no qualifier is LATEST');
  const list = await client.listFunctionAsyncConfigs(svc, 'fail', { limit: 10 });
  assert.deepEqual(list.data.configs, [put.data]);

  await rejectsWith(client.putFunctionAsyncConfig(svc, 'fail', null, { maxAsyncRetryAttempts: 9 }), 'InvalidArgument', 400);
  await rejectsWith(client.putFunctionAsyncConfig(svc, 'fail', null, {
    destinationConfig: { onSuccess: { destination: 'not-an-arn' } },
  }), 'InvalidArgument', 400);
  await rejectsWith(client.putFunctionAsyncConfig(svc, 'fail', 'nosuchalias', {}), 'AliasNotFound', 404);

  await client.putFunctionAsyncConfig(svc, 'web', null, {});
  await client.deleteFunctionAsyncConfig(svc, 'web');
  await rejectsWith(client.getFunctionAsyncConfig(svc, 'web', 'LATEST'), 'AsyncConfigNotExists', 404);
});

test('a failing async invocation reaches its onFailure function with the record', async () => {
  const resp = await client.invokeFunction(svc, 'fail', '{"order":7}', { 'x-fc-invocation-type': 'Async' });
  const requestID = resp.headers['x-fc-request-id'];
  assert.ok(requestID);

  let text = '';
  for (let i = 0; i < 200 && !text; i++) {
    if (fs.existsSync(sinkFile)) text = fs.readFileSync(sinkFile, 'utf8');
    if (!text) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(text, `the sink function received nothing within 20s (${sinkFile})`);
  const rec = JSON.parse(text.trim().split('\n')[0]);
  assert.equal(rec.requestContext.requestId, requestID);
  assert.equal(rec.requestContext.functionArn, `acs:fc:local:${accountID}:services/${svc}.LATEST/functions/fail`);
  assert.equal(rec.requestContext.condition, 'HandledInvocationError');
  assert.equal(rec.requestContext.approximateInvokeCount, 1, 'maxAsyncRetryAttempts 0: one attempt');
  assert.equal(rec.requestPayload, '{"order":7}');
  assert.equal(rec.responseContext.functionError, 'HandledInvocationError');
  assert.match(rec.responsePayload, /failing on purpose/);
  await client.deleteFunctionAsyncConfig(svc, 'fail', 'LATEST');
});
