'use strict';
// The official Node SDK (@alicloud/fc2 2.6.6) invokes a nodejs function on `fcdeploy serve`:
// the function runs on the server's node with FC's (event, context, callback) contract, and
// the SDK sees the headers FC sends (request id, code checksum, log tail, error type).
//
// Target: FC_ENDPOINT, FC_ACCOUNT_ID, FC_ACCESS_KEY_ID, FC_ACCESS_KEY_SECRET (FC_REGION optional).

const test = require('node:test');
const assert = require('node:assert/strict');
const FC = require('@alicloud/fc2');
const { crc64, makeZip } = require('./helpers');

const client = new FC(process.env.FC_ACCOUNT_ID, {
  accessKeyID: process.env.FC_ACCESS_KEY_ID,
  accessKeySecret: process.env.FC_ACCESS_KEY_SECRET,
  region: process.env.FC_REGION || 'cn-hangzhou',
  endpoint: process.env.FC_ENDPOINT,
  timeout: 30000,
});

const svc = `invoke-${Date.now().toString(36)}`;
const zip = makeZip({
  'index.js': [
    "exports.handler = function (event, context, callback) {",
    "  const text = event.toString();",
    "  if (text === 'fail') return callback(new Error('asked to fail'));",
    "  console.log('invoked by ' + context.requestId);",
    "  callback(null, JSON.stringify({ echo: text, fn: context.function.name, mem: context.function.memory }));",
    "};",
    "",
  ].join('\n'),
});

test('deploy a nodejs function', async () => {
  await client.createService(svc);
  const resp = await client.createFunction(svc, {
    functionName: 'echo', runtime: 'nodejs14', handler: 'index.handler', memorySize: 256,
    code: { zipFile: zip.toString('base64') },
  });
  assert.equal(resp.data.codeChecksum, crc64(zip));
});

test('invokeFunction runs it and returns its result with FC headers', async () => {
  const resp = await client.invokeFunction(svc, 'echo', Buffer.from('hi there'), { 'x-fc-log-type': 'Tail' });
  const body = typeof resp.data === 'string' || Buffer.isBuffer(resp.data) ? JSON.parse(resp.data.toString()) : resp.data;
  assert.deepEqual(body, { echo: 'hi there', fn: 'echo', mem: 256 });
  assert.match(resp.headers['x-fc-request-id'], /^[0-9a-f-]{36}$/);
  assert.equal(resp.headers['x-fc-code-checksum'], crc64(zip));
  const log = Buffer.from(resp.headers['x-fc-log-result'], 'base64').toString();
  assert.match(log, new RegExp('invoked by ' + resp.headers['x-fc-request-id']));
});

test('a function error comes back as 200 with x-fc-error-type', async () => {
  const resp = await client.invokeFunction(svc, 'echo', 'fail');
  assert.equal(resp.headers['x-fc-error-type'], 'HandledInvocationError');
  const body = typeof resp.data === 'string' || Buffer.isBuffer(resp.data) ? JSON.parse(resp.data.toString()) : resp.data;
  assert.equal(body.errorMessage, 'asked to fail');
});

test('an async invocation is accepted with 202', async () => {
  const resp = await client.invokeFunction(svc, 'echo', 'later', { 'x-fc-invocation-type': 'Async' });
  assert.match(resp.headers['x-fc-request-id'], /^[0-9a-f-]{36}$/);
});
