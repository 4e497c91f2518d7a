'use strict';
// The official Node SDK (@alicloud/fc2 2.6.6) drives every non-invoke operation of the
// 2016-08-15 API against a running server. Nobody on this project wrote that SDK, so these
// tests show that `fcdeploy serve` speaks the real wire protocol (signing, headers, bodies,
// error codes), not just our own client's idea of it.
//
// Target: FC_ENDPOINT, FC_ACCOUNT_ID, FC_ACCESS_KEY_ID, FC_ACCESS_KEY_SECRET (FC_REGION optional).
// Run: node --test sdk.test.js (compat_test.go does this against a fresh `fcdeploy serve`).
//
// The tests run in order and share one service, the way a user's session would: each step
// builds on the state the previous one left.

const test = require('node:test');
const assert = require('node:assert/strict');
const FC = require('@alicloud/fc2');

const helpers = require('./helpers');
const { crc64, makeZip, download, connect } = helpers;

const { client, endpoint, accountID } = connect('sdk.test.js', 20000);

// rejectsWith also wants the x-fc-request-id the SDK puts in its message.
const rejectsWith = (promise, code, status) => helpers.rejectsWith(promise, code, status, (err) => {
  assert.match(err.message, /requestid: [^ .]+/, `no x-fc-request-id in: ${err.message}`);
});

function assertResponse(resp) {
  assert.ok(resp.headers['x-fc-request-id'], 'every response carries x-fc-request-id');
  assert.ok(resp.headers.etag, `an ETag header is expected, got headers ${JSON.stringify(resp.headers)}`);
  return resp.headers.etag;
}

const names = (list, key) => list.map((x) => x[key]);

// ---- shared state ----

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const svc = `compat-${run}`;
const fn = 'hello';
const zip1 = makeZip({ 'index.py': 'def handler(event, context):\n    return event\n' });
const zip2 = makeZip({ 'index.py': 'def handler(event, context):\n    return b"v2"\n', 'lib/util.py': 'X = 1\n' });
const s = {}; // etags and version ids that later steps use

test('the helpers compute the standard CRC-64/XZ check value', () => {
  assert.equal(crc64(Buffer.from('123456789')), '11051210869376104954');
  assert.notEqual(crc64(zip1), crc64(zip2));
});

test('a wrong secret is SignatureNotMatch and an unknown key InvalidAccessKeyId (403)', async () => {
  const withKey = (id, secret) => new FC(accountID, {
    accessKeyID: id, accessKeySecret: secret, region: 'cn-hangzhou', endpoint, timeout: 20000,
  });
  await rejectsWith(withKey(process.env.FC_ACCESS_KEY_ID, 'not-the-secret').listServices(),
    'SignatureNotMatch', 403);
  await rejectsWith(withKey(`unknown${run}`, 'whatever').listServices(), 'InvalidAccessKeyId', 403);
});

test('a request dated more than 15 minutes away is RequestTimeTooSkewed (403)', async () => {
  // fc2 lets caller headers override its own, and signs what it sends.
  const old = new Date(Date.now() - 20 * 60 * 1000).toUTCString();
  await rejectsWith(client.listServices({}, { date: old }), 'RequestTimeTooSkewed', 403);
});

test('a missing service is ServiceNotFound (404)', async () => {
  await rejectsWith(client.getService(`missing-${run}`), 'ServiceNotFound', 404);
});

test('createService returns the full service with an ETag', async () => {
  const resp = await client.createService(svc, { description: 'v1', internetAccess: true });
  s.svcEtag = assertResponse(resp);
  const d = resp.data;
  assert.equal(d.serviceName, svc);
  assert.equal(d.description, 'v1');
  assert.equal(d.internetAccess, true);
  assert.ok(d.serviceId, 'serviceId is set');
  assert.match(d.createdTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d{4}|[+-]\d\d:\d\d)$/);
  assert.ok(d.lastModifiedTime);
  for (const k of ['logConfig', 'vpcConfig', 'nasConfig']) {
    assert.equal(typeof d[k], 'object', `${k} is an object, not missing`);
    assert.notEqual(d[k], null, `${k} is not null`);
  }
});

test('creating the same service again is ServiceAlreadyExists (409)', async () => {
  await rejectsWith(client.createService(svc, { description: 'again' }), 'ServiceAlreadyExists', 409);
});

test('getService returns the ETag that create returned', async () => {
  const resp = await client.getService(svc);
  assert.equal(assertResponse(resp), s.svcEtag);
  assert.equal(resp.data.description, 'v1');
});

test('updateService with a stale If-Match is refused with 412 PreconditionFailed', async () => {
  await rejectsWith(
    client.updateService(svc, { description: 'stale' }, { 'If-Match': '"not-the-etag"' }),
    'PreconditionFailed', 412);
  const resp = await client.getService(svc);
  assert.equal(resp.data.description, 'v1', 'the refused update changed nothing');
});

test('updateService with the current If-Match changes the description and the ETag', async () => {
  const resp = await client.updateService(svc, { description: 'v2' }, { 'If-Match': s.svcEtag });
  const etag = assertResponse(resp);
  assert.notEqual(etag, s.svcEtag, 'the ETag changes on every write');
  assert.equal(resp.data.description, 'v2');
  assert.equal(resp.data.internetAccess, true, 'fields not sent stay as they were');
  s.oldSvcEtag = s.svcEtag;
  s.svcEtag = etag;
});

test('listServices filters by prefix, pages with limit and nextToken, in ascending names', async () => {
  const prefix = `compat-list-${run}-`;
  const created = [`${prefix}c`, `${prefix}a`, `${prefix}b`];
  for (const name of created) await client.createService(name, { description: 'list' });
  try {
    const p1 = await client.listServices({ prefix, limit: 2 });
    assert.deepEqual(names(p1.data.services, 'serviceName'), [`${prefix}a`, `${prefix}b`]);
    assert.ok(p1.data.nextToken, 'a full page carries nextToken');
    const p2 = await client.listServices({ prefix, limit: 2, nextToken: p1.data.nextToken });
    assert.deepEqual(names(p2.data.services, 'serviceName'), [`${prefix}c`]);
    assert.ok(!p2.data.nextToken, 'the last page has no nextToken');
    const fromB = await client.listServices({ prefix, startKey: `${prefix}b` });
    assert.deepEqual(names(fromB.data.services, 'serviceName'), [`${prefix}b`, `${prefix}c`], 'startKey is inclusive');
    const all = await client.listServices({ prefix: svc });
    assert.ok(names(all.data.services, 'serviceName').includes(svc));
  } finally {
    for (const name of created) await client.deleteService(name);
  }
});

test('a function in a missing service is ServiceNotFound, a missing function FunctionNotFound', async () => {
  await rejectsWith(client.getFunction(`missing-${run}`, fn), 'ServiceNotFound', 404);
  await rejectsWith(client.getFunction(svc, 'nope'), 'FunctionNotFound', 404);
});

test('createFunction stores a zip and reports its crc64 codeChecksum and codeSize', async () => {
  const resp = await client.createFunction(svc, {
    functionName: fn,
    description: 'f1',
    handler: 'index.handler',
    runtime: 'python3',
    memorySize: 128,
    timeout: 5,
    environmentVariables: { STAGE: 'compat' },
    code: { zipFile: zip1.toString('base64') },
  });
  s.fnEtag = assertResponse(resp);
  const d = resp.data;
  assert.equal(d.functionName, fn);
  assert.equal(d.handler, 'index.handler');
  assert.equal(d.runtime, 'python3');
  assert.equal(d.memorySize, 128);
  assert.equal(d.timeout, 5);
  assert.deepEqual(d.environmentVariables, { STAGE: 'compat' });
  assert.equal(d.codeChecksum, crc64(zip1));
  assert.equal(d.codeSize, zip1.length);
  assert.ok(d.functionId);
  assert.ok(d.createdTime);
});

test('creating the same function again is FunctionAlreadyExists (409)', async () => {
  await rejectsWith(client.createFunction(svc, {
    functionName: fn, handler: 'index.handler', runtime: 'python3', code: { zipFile: zip1.toString('base64') },
  }), 'FunctionAlreadyExists', 409);
});

test('a function whose zipFile is not a zip is InvalidArgument (400)', async () => {
  await rejectsWith(client.createFunction(svc, {
    functionName: 'broken', handler: 'index.handler', runtime: 'python3',
    code: { zipFile: Buffer.from('not a zip').toString('base64') },
  }), 'InvalidArgument', 400);
});

test('getFunction returns the stored configuration and the same ETag', async () => {
  const resp = await client.getFunction(svc, fn);
  assert.equal(assertResponse(resp), s.fnEtag);
  assert.equal(resp.data.description, 'f1');
  assert.equal(resp.data.codeChecksum, crc64(zip1));
});

test('getFunctionCode returns a URL that downloads exactly the uploaded zip', async () => {
  const resp = await client.getFunctionCode(svc, fn);
  assert.equal(resp.data.checksum, crc64(zip1));
  assert.ok(resp.data.url, 'a download url');
  const body = await download(resp.data.url);
  assert.equal(body.length, zip1.length);
  assert.equal(crc64(body), resp.data.checksum);
});

test('updateFunction with a stale If-Match is refused with 412 PreconditionFailed', async () => {
  await rejectsWith(client.updateFunction(svc, fn, { memorySize: 512 }, { 'If-Match': '"stale"' }),
    'PreconditionFailed', 412);
});

test('updateFunction with the current If-Match changes memory and code, keeps the rest', async () => {
  const resp = await client.updateFunction(svc, fn, {
    memorySize: 256,
    code: { zipFile: zip2.toString('base64') },
  }, { 'If-Match': s.fnEtag });
  const etag = assertResponse(resp);
  assert.notEqual(etag, s.fnEtag);
  s.fnEtag = etag;
  assert.equal(resp.data.memorySize, 256);
  assert.equal(resp.data.handler, 'index.handler', 'handler unchanged');
  assert.equal(resp.data.description, 'f1', 'description unchanged');
  assert.equal(resp.data.codeChecksum, crc64(zip2));
  assert.equal(resp.data.codeSize, zip2.length);
  const code = await client.getFunctionCode(svc, fn);
  assert.equal(code.data.checksum, crc64(zip2));
});

test('listFunctions lists the function with its configuration', async () => {
  const resp = await client.listFunctions(svc, { limit: 10 });
  assert.deepEqual(names(resp.data.functions, 'functionName'), [fn]);
  assert.equal(resp.data.functions[0].memorySize, 256);
  assert.ok(!resp.data.nextToken);
});

test('createTrigger creates a timer and an http trigger with their configs', async () => {
  const timer = await client.createTrigger(svc, fn, {
    triggerName: 'nightly',
    triggerType: 'timer',
    triggerConfig: { cronExpression: '0 0 2 * * *', enable: true, payload: 'tick' },
  });
  s.timerEtag = assertResponse(timer);
  assert.equal(timer.data.triggerName, 'nightly');
  assert.equal(timer.data.triggerType, 'timer');
  assert.equal(timer.data.triggerConfig.cronExpression, '0 0 2 * * *');
  assert.equal(timer.data.triggerConfig.enable, true);
  assert.ok(timer.data.createdTime);

  const web = await client.createTrigger(svc, fn, {
    triggerName: 'web',
    triggerType: 'http',
    triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] },
  });
  s.webEtag = assertResponse(web);
  assert.equal(web.data.triggerType, 'http');
  assert.deepEqual(web.data.triggerConfig.methods, ['GET', 'POST']);
  assert.equal(web.data.triggerConfig.authType, 'anonymous');
});

test('a timer trigger with a malformed cron expression is InvalidArgument (400)', async () => {
  await rejectsWith(client.createTrigger(svc, fn, {
    triggerName: 'bad', triggerType: 'timer', triggerConfig: { cronExpression: 'every tuesday', enable: true },
  }), 'InvalidArgument', 400);
});

test('getTrigger returns the trigger and its ETag; a missing one is TriggerNotFound', async () => {
  const resp = await client.getTrigger(svc, fn, 'nightly');
  assert.equal(assertResponse(resp), s.timerEtag);
  assert.equal(resp.data.triggerConfig.payload, 'tick');
  await rejectsWith(client.getTrigger(svc, fn, 'nope'), 'TriggerNotFound', 404);
});

test('updateTrigger honours If-Match: stale is 412, current disables the timer', async () => {
  const body = { triggerConfig: { cronExpression: '0 0 3 * * *', enable: false } };
  await rejectsWith(client.updateTrigger(svc, fn, 'nightly', body, { 'If-Match': '"stale"' }),
    'PreconditionFailed', 412);
  const resp = await client.updateTrigger(svc, fn, 'nightly', body, { 'If-Match': s.timerEtag });
  const etag = assertResponse(resp);
  assert.notEqual(etag, s.timerEtag);
  s.timerEtag = etag;
  assert.equal(resp.data.triggerConfig.enable, false);
  assert.equal(resp.data.triggerConfig.cronExpression, '0 0 3 * * *');
  assert.equal(resp.data.triggerType, 'timer');
});

test('listTriggers lists both triggers in ascending names', async () => {
  const resp = await client.listTriggers(svc, fn);
  assert.deepEqual(names(resp.data.triggers, 'triggerName'), ['nightly', 'web']);
  for (const t of resp.data.triggers) {
    assert.equal(typeof t.triggerConfig, 'object', 'every trigger carries an object triggerConfig');
    assert.ok(t.triggerType);
  }
});

test('a function with triggers cannot be deleted: FunctionNotEmpty (409)', async () => {
  await rejectsWith(client.deleteFunction(svc, fn), 'FunctionNotEmpty', 409);
});

test('publishVersion snapshots the service and returns an increasing version id', async () => {
  const v1 = await client.publishVersion(svc, 'first');
  assert.ok(v1.headers['x-fc-request-id']);
  assert.match(v1.data.versionId, /^[1-9][0-9]*$/);
  assert.equal(v1.data.description, 'first');
  assert.ok(v1.data.createdTime);
  s.v1 = v1.data.versionId;

  await rejectsWith(client.publishVersion(svc, 'nothing changed'), 'VersionPublishError', 409);

  const upd = await client.updateFunction(svc, fn, { description: 'f2', memorySize: 512 });
  s.fnEtag = upd.headers.etag;
  const v2 = await client.publishVersion(svc, 'second');
  s.v2 = v2.data.versionId;
  assert.ok(Number(s.v2) > Number(s.v1), `version ids increase: ${s.v1} then ${s.v2}`);
});

test('publishVersion with a stale If-Match is refused with 412 PreconditionFailed', async () => {
  await client.updateService(svc, { description: 'v3' });
  await rejectsWith(client.publishVersion(svc, 'stale', { 'If-Match': '"stale"' }), 'PreconditionFailed', 412);
});

test('reads with a version qualifier return that snapshot', async () => {
  const f1 = await client.getFunction(svc, fn, {}, s.v1);
  assert.equal(f1.data.memorySize, 256);
  assert.equal(f1.data.description, 'f1');
  const f2 = await client.getFunction(svc, fn, {}, s.v2);
  assert.equal(f2.data.memorySize, 512);
  const latest = await client.getFunction(svc, fn, {}, 'LATEST');
  assert.equal(latest.data.description, 'f2');
  const svc1 = await client.getService(svc, {}, s.v1);
  assert.equal(svc1.data.description, 'v2', 'the service as it was when version 1 was published');
  const list1 = await client.listFunctions(svc, {}, {}, s.v1);
  assert.deepEqual(names(list1.data.functions, 'functionName'), [fn]);
  const code1 = await client.getFunctionCode(svc, fn, {}, s.v1);
  assert.equal(code1.data.checksum, crc64(zip2));
});

test('listVersions lists newest first by default and oldest first with FORWARD', async () => {
  const back = await client.listVersions(svc);
  assert.deepEqual(names(back.data.versions, 'versionId'), [s.v2, s.v1]);
  assert.equal(back.data.versions[0].description, 'second');
  const fwd = await client.listVersions(svc, { direction: 'FORWARD' });
  assert.deepEqual(names(fwd.data.versions, 'versionId'), [s.v1, s.v2]);
  const one = await client.listVersions(svc, { limit: 1 });
  assert.deepEqual(names(one.data.versions, 'versionId'), [s.v2]);
  assert.ok(one.data.nextToken, 'a full page carries nextToken');
});

test('createAlias points at a version; a missing version is VersionNotFound', async () => {
  const resp = await client.createAlias(svc, 'live', s.v1, { description: 'production' });
  s.aliasEtag = assertResponse(resp);
  assert.equal(resp.data.aliasName, 'live');
  assert.equal(resp.data.versionId, s.v1);
  assert.equal(resp.data.description, 'production');
  assert.ok(resp.data.createdTime);
  await rejectsWith(client.createAlias(svc, 'ghost', '9999'), 'VersionNotFound', 404);
  await rejectsWith(client.createAlias(svc, 'live', s.v1), 'AliasAlreadyExists', 409);
});

test('getAlias returns the alias and its ETag; reads through the alias see its version', async () => {
  const resp = await client.getAlias(svc, 'live');
  assert.equal(assertResponse(resp), s.aliasEtag);
  assert.equal(resp.data.versionId, s.v1);
  const f = await client.getFunction(svc, fn, {}, 'live');
  assert.equal(f.data.memorySize, 256, 'alias live -> version 1');
  await rejectsWith(client.getAlias(svc, 'nope'), 'AliasNotFound', 404);
});

test('updateAlias honours If-Match and sets an additional version weight', async () => {
  const body = { additionalVersionWeight: { [s.v1]: 0.1 } };
  await rejectsWith(client.updateAlias(svc, 'live', s.v2, body, { 'If-Match': '"stale"' }),
    'PreconditionFailed', 412);
  const resp = await client.updateAlias(svc, 'live', s.v2, body, { 'If-Match': s.aliasEtag });
  const etag = assertResponse(resp);
  assert.notEqual(etag, s.aliasEtag);
  s.aliasEtag = etag;
  assert.equal(resp.data.versionId, s.v2);
  assert.deepEqual(resp.data.additionalVersionWeight, { [s.v1]: 0.1 });
  assert.equal(resp.data.description, 'production', 'description unchanged');
  await rejectsWith(client.updateAlias(svc, 'live', s.v2, { additionalVersionWeight: { [s.v1]: 1.5 } }),
    'InvalidArgument', 400);
});

test('listAliases lists aliases in ascending names', async () => {
  await client.createAlias(svc, 'canary', s.v2);
  const resp = await client.listAliases(svc);
  assert.deepEqual(names(resp.data.aliases, 'aliasName'), ['canary', 'live']);
  const page = await client.listAliases(svc, { limit: 1 });
  assert.deepEqual(names(page.data.aliases, 'aliasName'), ['canary']);
  assert.ok(page.data.nextToken);
});

test('a version an alias routes traffic to cannot be deleted (409)', async () => {
  await assert.rejects(client.deleteVersion(svc, s.v2), (err) => {
    assert.match(err.message, /failed with 409\./, err.message);
    return true;
  });
});

test('deleteAlias honours If-Match, then the alias is gone', async () => {
  await rejectsWith(client.deleteAlias(svc, 'live', { 'If-Match': '"stale"' }), 'PreconditionFailed', 412);
  await client.deleteAlias(svc, 'live', { 'If-Match': s.aliasEtag });
  await rejectsWith(client.getAlias(svc, 'live'), 'AliasNotFound', 404);
  await client.deleteAlias(svc, 'canary');
});

test('deleteVersion removes a version; a missing one is VersionNotFound', async () => {
  await client.deleteVersion(svc, s.v1);
  const resp = await client.listVersions(svc);
  assert.deepEqual(names(resp.data.versions, 'versionId'), [s.v2]);
  await rejectsWith(client.deleteVersion(svc, s.v1), 'VersionNotFound', 404);
  await rejectsWith(client.getFunction(svc, fn, {}, s.v1), 'VersionNotFound', 404);
});

test('a service with functions cannot be deleted: ServiceNotEmpty (409)', async () => {
  await rejectsWith(client.deleteService(svc), 'ServiceNotEmpty', 409);
});

test('deleteTrigger honours If-Match, then the triggers are gone', async () => {
  await rejectsWith(client.deleteTrigger(svc, fn, 'nightly', {}, { 'If-Match': '"stale"' }),
    'PreconditionFailed', 412);
  await client.deleteTrigger(svc, fn, 'nightly', {}, { 'If-Match': s.timerEtag });
  await client.deleteTrigger(svc, fn, 'web');
  await rejectsWith(client.getTrigger(svc, fn, 'nightly'), 'TriggerNotFound', 404);
  const resp = await client.listTriggers(svc, fn);
  assert.deepEqual(resp.data.triggers, []);
});

test('deleteFunction honours If-Match, then the function is gone', async () => {
  await rejectsWith(client.deleteFunction(svc, fn, {}, { 'If-Match': '"stale"' }), 'PreconditionFailed', 412);
  const cur = await client.getFunction(svc, fn);
  await client.deleteFunction(svc, fn, {}, { 'If-Match': cur.headers.etag });
  await rejectsWith(client.getFunction(svc, fn), 'FunctionNotFound', 404);
  const resp = await client.listFunctions(svc);
  assert.deepEqual(resp.data.functions, []);
});

test('deleteService honours If-Match once the service is empty, then it is gone', async () => {
  await client.deleteVersion(svc, s.v2); // versions also keep a service from being deleted
  // fc2 2.6.6 passes deleteService's second argument as the request headers.
  await rejectsWith(client.deleteService(svc, { 'If-Match': '"stale"' }), 'PreconditionFailed', 412);
  const cur = await client.getService(svc);
  await client.deleteService(svc, { 'If-Match': cur.headers.etag });
  await rejectsWith(client.getService(svc), 'ServiceNotFound', 404);
  await rejectsWith(client.deleteService(svc), 'ServiceNotFound', 404);
});
