'use strict';
// Checks, with the official Node SDK, what `fun deploy -y` of compat/testdata/funcraft/template.yml must
// have left on the server. Used by funcraft.sh after each deploy.
//
// Usage: node funcraft_check.js LABEL STATE_OUT [STATE_BEFORE]
// Writes the ETags it saw to STATE_OUT; with STATE_BEFORE (the previous deploy's state) it also
// checks that the deploy updated the service and the function (their ETags changed), i.e. that
// the second deploy went through the update path rather than doing nothing.

const fs = require('node:fs');
const assert = require('node:assert/strict');
const FC = require('@alicloud/fc2');
const { download } = require('./helpers');

const [label, stateOut, stateBefore] = process.argv.slice(2);
const service = 'fcdeploy-compat';
const fn = 'hello';
const trigger = 'nightly';

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

async function main() {
  const client = new FC(required('FC_ACCOUNT_ID'), {
    accessKeyID: required('FC_ACCESS_KEY_ID'),
    accessKeySecret: required('FC_ACCESS_KEY_SECRET'),
    region: process.env.FC_REGION || 'cn-hangzhou',
    endpoint: required('FC_ENDPOINT'),
    timeout: 20000,
  });

  const svc = await client.getService(service);
  assert.equal(svc.data.serviceName, service);
  assert.equal(svc.data.description, 'fcdeploy compat: deployed by Funcraft');

  const f = await client.getFunction(service, fn);
  assert.equal(f.data.runtime, 'python3');
  assert.equal(f.data.handler, 'index.handler');
  assert.equal(f.data.memorySize, 128);
  assert.equal(f.data.timeout, 10);
  assert.ok(f.data.codeSize > 0, `codeSize ${f.data.codeSize}`);
  assert.match(String(f.data.codeChecksum), /^[0-9]+$/);

  const code = await client.getFunctionCode(service, fn);
  assert.equal(code.data.checksum, f.data.codeChecksum);
  const zip = await download(code.data.url);
  assert.equal(zip.length, f.data.codeSize, 'the downloaded zip has codeSize bytes');
  assert.equal(zip.subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'the code is a zip');
  assert.ok(zip.includes(Buffer.from('index.py')), 'the zip holds index.py');

  const t = await client.getTrigger(service, fn, trigger);
  assert.equal(t.data.triggerType, 'timer');
  assert.equal(t.data.triggerConfig.cronExpression, '0 0 2 * * *');
  assert.equal(t.data.triggerConfig.enable, true);
  assert.equal(t.data.triggerConfig.payload, 'nightly');

  const triggers = await client.listTriggers(service, fn);
  assert.deepEqual(triggers.data.triggers.map((x) => x.triggerName), [trigger]);

  const state = { service: svc.headers.etag, function: f.headers.etag, trigger: t.headers.etag };
  for (const [k, v] of Object.entries(state)) assert.ok(v, `${k} has an ETag`);
  if (stateBefore) {
    const before = JSON.parse(fs.readFileSync(stateBefore, 'utf8'));
    assert.notEqual(state.service, before.service, 'the second deploy updated the service');
    assert.notEqual(state.function, before.function, 'the second deploy updated the function');
    assert.notEqual(state.trigger, before.trigger, 'the second deploy updated the trigger');
  }
  fs.writeFileSync(stateOut, JSON.stringify(state));
  console.log(`${label}: service, function (${f.data.codeSize} bytes of code) and timer trigger OK`);
}

main().catch((err) => {
  console.error(`${label}: ${err.message}`);
  process.exit(1);
});
