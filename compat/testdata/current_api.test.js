'use strict';
// The official Node SDK (@alicloud/fc2 2.6.6) drives the operations added to the 2016-08-15
// API since 2018 that fcdeploy serves: layers, provision and on-demand configs, service tags
// and the account-level reads. Every call below is a method of the SDK; none needed the
// generic client.request.
//
// Target: FC_ENDPOINT, FC_ACCOUNT_ID, FC_ACCESS_KEY_ID, FC_ACCESS_KEY_SECRET (FC_REGION optional).
// Run: node --test current_api.test.js (compat_test.go does this against a fresh `fcdeploy serve`).
//
// The tests run in order and share state, the way a user's session would.

const test = require('node:test');
const assert = require('node:assert/strict');
const { crc64, makeZip, download, connect, rejectsWith } = require('./helpers');

const { client, accountID } = connect('current_api.test.js', 20000);

const run = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const svc = `cur-${run}`;
const layer = `deps-${run}`;
const fn = 'hello';
const layerZip1 = makeZip({ 'python/util.py': 'X = 1\n' });
const layerZip2 = makeZip({ 'python/util.py': 'X = 2\n' });
const s = {}; // what later steps use

// ---- layers ----

test('publishLayerVersion numbers versions from 1 and answers the layer with an ETag', async () => {
  const resp = await client.publishLayerVersion(layer, {
    code: { zipFile: layerZip1.toString('base64') },
    compatibleRuntime: ['python3'],
    description: 'first',
  });
  assert.ok(resp.headers.etag, 'PublishLayerVersion answers an ETag');
  const l = resp.data;
  assert.equal(l.layerName, layer);
  assert.equal(l.version, 1);
  assert.equal(l.description, 'first');
  assert.deepEqual(l.compatibleRuntime, ['python3']);
  assert.equal(l.codeChecksum, crc64(layerZip1));
  assert.equal(l.codeSize, layerZip1.length);
  assert.ok(l.createTime, 'layers carry createTime');
  assert.equal(l.acl, 0);
  assert.match(l.arn, new RegExp(`^acs:fc:[a-z0-9-]+:${accountID}:layers/${layer}/versions/1$`));
  s.arn1 = l.arn;

  const second = await client.publishLayerVersion(layer, { code: { zipFile: layerZip2.toString('base64') }, compatibleRuntime: ['python3'] });
  assert.equal(second.data.version, 2);
});

test('getLayerVersion returns a code location that downloads the exact zip', async () => {
  const { data } = await client.getLayerVersion(layer, 1);
  assert.equal(data.version, 1);
  assert.ok(data.code.location, 'a download location');
  const zip = await download(data.code.location);
  assert.deepEqual(zip, layerZip1);
});

test('getLayerVersionByArn finds the version its encodeURIComponent-escaped ARN names', async () => {
  const { data } = await client.getLayerVersionByArn(s.arn1);
  assert.equal(data.layerName, layer);
  assert.equal(data.version, 1);
  assert.equal(data.arn, s.arn1);
});

test('listLayers lists each layer once, as its newest version', async () => {
  const { data } = await client.listLayers({ prefix: layer, limit: 10 });
  assert.equal(data.layers.length, 1);
  assert.equal(data.layers[0].version, 2);
  const pub = await client.listLayers({ public: true, prefix: layer });
  assert.deepEqual(pub.data.layers, [], 'layers are private until putLayerACL');
});

test('putLayerACL makes a layer public and private again', async () => {
  await client.putLayerACL(layer, { public: true });
  let pub = await client.listLayers({ public: true, prefix: layer });
  assert.deepEqual(pub.data.layers.map((l) => [l.layerName, l.acl]), [[layer, 1]]);
  await client.putLayerACL(layer, { public: false });
  pub = await client.listLayers({ public: true, prefix: layer });
  assert.deepEqual(pub.data.layers, []);
  await rejectsWith(client.putLayerACL(`missing-${run}`, { public: true }), 'LayerNotFound', 404);
});

test('listLayerVersions pages by version number', async () => {
  const first = await client.listLayerVersions(layer, { startVersion: 1, limit: 1 });
  assert.deepEqual(first.data.layers.map((l) => l.version), [1]);
  assert.equal(first.data.nextVersion, 2);
  const rest = await client.listLayerVersions(layer, { startVersion: first.data.nextVersion, limit: 1 });
  assert.deepEqual(rest.data.layers.map((l) => l.version), [2]);
  assert.equal(rest.data.nextVersion, undefined, 'no nextVersion on the last page');
});

test('deleteLayerVersion removes a version and its number is never reused', async () => {
  const resp = await client.deleteLayerVersion(layer, 2);
  assert.equal(resp.data, '', 'DeleteLayerVersion answers no body');
  await rejectsWith(client.getLayerVersion(layer, 2), 'LayerVersionNotFound', 404);
  const again = await client.publishLayerVersion(layer, { code: { zipFile: layerZip2.toString('base64') } });
  assert.equal(again.data.version, 3);
  await rejectsWith(client.getLayerVersion(`missing-${run}`, 1), 'LayerNotFound', 404);
  await rejectsWith(client.publishLayerVersion(`9${layer}`, { code: { zipFile: layerZip1.toString('base64') } }), 'InvalidArgument', 400);
  await rejectsWith(client.publishLayerVersion(layer, { code: { zipFile: layerZip1.toString('base64') }, compatibleRuntime: ['cobol'] }), 'InvalidArgument', 400);
});

// ---- provision and on-demand configs: a service with a published function and an alias ----

test('a service, function, version and alias to configure', async () => {
  await client.createService(svc, { description: 'current api' });
  await client.createFunction(svc, {
    functionName: fn, runtime: 'python3', handler: 'index.handler',
    code: { zipFile: makeZip({ 'index.py': 'def handler(e, c):\n    return e\n' }).toString('base64') },
  });
  const v = await client.publishVersion(svc, 'v1');
  await client.createAlias(svc, 'live', v.data.versionId);
});

test('putProvisionConfig sets a target for an alias, guarded by If-Match', async () => {
  const resp = await client.putProvisionConfig(svc, fn, 'live', { target: 2 });
  assert.equal(resp.data.target, 2);
  assert.equal(resp.data.resource, `${accountID}#${svc}#live#${fn}`);
  assert.ok(resp.headers.etag);
  await rejectsWith(client.putProvisionConfig(svc, fn, 'live', { target: 3 }, { 'If-Match': '"stale"' }), 'PreconditionFailed', 412);
  const again = await client.putProvisionConfig(svc, fn, 'live', { target: 3 }, { 'If-Match': resp.headers.etag });
  assert.equal(again.data.target, 3);
  await rejectsWith(client.putProvisionConfig(svc, fn, 'LATEST', { target: 1 }), 'InvalidArgument', 400);
  await rejectsWith(client.putProvisionConfig(svc, fn, 'nope', { target: 1 }), 'AliasNotFound', 404);
});

test('getProvisionConfig and listProvisionConfigs read it back', async () => {
  const { data } = await client.getProvisionConfig(svc, fn, 'live');
  assert.equal(data.target, 3);
  // current: the instances running, started when the config was put and
  // capped by serve's --max-provisioned (default 2).
  assert.equal(data.current, 2);
  const list = await client.listProvisionConfigs({ serviceName: svc, qualifier: 'live' });
  assert.deepEqual(list.data.provisionConfigs.map((p) => [p.resource, p.target, p.current]), [[`${accountID}#${svc}#live#${fn}`, 3, 2]]);
});

test('putOnDemandConfig, getOnDemandConfig, listOnDemandConfigs and deleteOnDemandConfig', async () => {
  await rejectsWith(client.getOnDemandConfig(svc, fn, 'LATEST'), 'OnDemandConfigNotFound', 404);
  const put = await client.putOnDemandConfig(svc, fn, 'LATEST', { maximumInstanceCount: 10 });
  assert.equal(put.data.resource, `services/${svc}.LATEST/functions/${fn}`);
  assert.equal(put.data.maximumInstanceCount, 10);
  assert.ok(put.headers.etag);
  const got = await client.getOnDemandConfig(svc, fn, 'LATEST');
  assert.equal(got.data.maximumInstanceCount, 10);
  const list = await client.listOnDemandConfigs({ prefix: `services/${svc}.`, limit: 10 });
  assert.deepEqual(list.data.configs.map((c) => c.resource), [`services/${svc}.LATEST/functions/${fn}`]);
  await rejectsWith(client.deleteOnDemandConfig(svc, fn, 'LATEST', {}, { 'If-Match': '"stale"' }), 'PreconditionFailed', 412);
  await client.deleteOnDemandConfig(svc, fn, 'LATEST', {}, { 'If-Match': put.headers.etag });
  await rejectsWith(client.getOnDemandConfig(svc, fn, 'LATEST'), 'OnDemandConfigNotFound', 404);
  await rejectsWith(client.putOnDemandConfig(svc, fn, 'LATEST', { maximumInstanceCount: 100000 }), 'InvalidArgument', 400);
});

// ---- tags ----

test('tagResource, getResourceTags and untagResource (a DELETE with a JSON body)', async () => {
  const arn = `services/${svc}`;
  await client.tagResource(arn, { 'fcdeploy:project': 'compat', team: 'a' });
  let { data } = await client.getResourceTags({ resourceArn: arn });
  assert.deepEqual(data.tags, { 'fcdeploy:project': 'compat', team: 'a' });
  // listServices({tags}) filters by tag; the SDK sends them as tag_{key}={value} parameters.
  const tagged = await client.listServices({ tags: { team: 'a' }, prefix: svc });
  assert.deepEqual(tagged.data.services.map((x) => x.serviceName), [svc]);
  const untagged = await client.listServices({ tags: { team: 'b' }, prefix: svc });
  assert.deepEqual(untagged.data.services, []);
  await client.untagResource(arn, ['team']);
  ({ data } = await client.getResourceTags({ resourceArn: arn }));
  assert.deepEqual(data.tags, { 'fcdeploy:project': 'compat' });
  await client.untagResource(arn, [], true);
  ({ data } = await client.getResourceTags({ resourceArn: arn }));
  assert.deepEqual(data.tags, {});
  await rejectsWith(client.tagResource(`services/missing-${run}`, { a: 'b' }), 'ServiceNotFound', 404);
  await rejectsWith(client.untagResource(arn, []), 'InvalidArgument', 400);
});

// ---- account ----

test('getAccountSettings, listReservedCapacities, getAccountConfigs and getTempBucketToken', async () => {
  const settings = await client.getAccountSettings();
  assert.ok(Array.isArray(settings.data.availableAZs) && settings.data.availableAZs.length > 0);
  const rc = await client.listReservedCapacities({ limit: 10 });
  assert.deepEqual(rc.data.reservedCapacities, []);
  const cfg = await client.getAccountConfigs({ config: ['CodeSizeLimit'] });
  assert.equal(cfg.data.CodeSizeLimit, 50 * 1024 * 1024);
  await rejectsWith(client.getTempBucketToken(), 'NotImplemented', 501);
});

// ---- clean up: dependents go with what they hang off ----

test('deleting the alias and the service takes their configs and tags along', async () => {
  await client.tagResource(`services/${svc}`, { temp: 'yes' });
  await client.deleteAlias(svc, 'live');
  const list = await client.listProvisionConfigs({ serviceName: svc });
  assert.deepEqual(list.data.provisionConfigs, []);
  const versions = await client.listVersions(svc);
  for (const v of versions.data.versions) await client.deleteVersion(svc, v.versionId);
  await client.deleteFunction(svc, fn);
  await client.deleteService(svc);
  await client.createService(svc);
  const { data } = await client.getResourceTags({ resourceArn: `services/${svc}` });
  assert.deepEqual(data.tags, {});
  await client.deleteService(svc);
});
