'use strict';
// Helpers shared by the Node suites: a stored-entry zip writer, CRC-32 and CRC-64/XZ, and
// the download of a GetFunctionCode url.

const assert = require('node:assert/strict');
// ---- small, dependency-free helpers: a stored-entry zip writer, CRC-32 and CRC-64/XZ ----

const crc32Table = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crc32Table[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones): what FC calls
// codeChecksum, as an unsigned decimal string.
const crc64Table = (() => {
  const poly = 0xc96c5795d7870f42n;
  const t = new Array(256);
  for (let n = 0n; n < 256n; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1n ? poly ^ (c >> 1n) : c >> 1n;
    t[Number(n)] = c;
  }
  return t;
})();

function crc64(buf) {
  const mask = 0xffffffffffffffffn;
  let c = mask;
  for (const b of buf) c = crc64Table[Number((c ^ BigInt(b)) & 0xffn)] ^ (c >> 8n);
  return ((c ^ mask) & mask).toString();
}

// makeZip writes a valid zip with stored (uncompressed) entries and a fixed timestamp, so the
// same files always give the same bytes and checksum.
function makeZip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const nameBuf = Buffer.from(name, 'utf8');
    const data = Buffer.from(content, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10); // time 00:00
    local.writeUInt16LE(0x21, 12); // date 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBuf, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by unix, 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attrs: regular file 0644
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const centralBuf = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = Object.keys(files).length;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBuf, end]);
}


// download GETs a GetFunctionCode url; a failure names the url, which is what goes wrong
// when a server builds it from a Host header that the SDK sent without the port.
async function download(url) {
  let resp;
  try {
    resp = await fetch(url);
  } catch (err) {
    throw new Error(`GET ${url} (the GetFunctionCode url) failed: ${err.cause ? err.cause.message : err.message}`);
  }
  assert.equal(resp.status, 200, `GET ${url} (the GetFunctionCode url)`);
  return Buffer.from(await resp.arrayBuffer());
}

// connect returns an SDK client of the server the suite runs against (FC_ENDPOINT,
// FC_ACCOUNT_ID, FC_ACCESS_KEY_ID, FC_ACCESS_KEY_SECRET; FC_REGION optional), with the
// endpoint and account it names; suite names the file for the error when one is not set.
function connect(suite, timeout) {
  const required = (name) => {
    const v = process.env[name];
    if (!v) {
      throw new Error(`${name} is not set: ${suite} needs FC_ENDPOINT, FC_ACCOUNT_ID, FC_ACCESS_KEY_ID and FC_ACCESS_KEY_SECRET of a running server`);
    }
    return v;
  };
  const FC = require('@alicloud/fc2');
  const endpoint = required('FC_ENDPOINT');
  const accountID = required('FC_ACCOUNT_ID');
  const client = new FC(accountID, {
    accessKeyID: required('FC_ACCESS_KEY_ID'),
    accessKeySecret: required('FC_ACCESS_KEY_SECRET'),
    region: process.env.FC_REGION || 'cn-hangzhou',
    endpoint,
    timeout,
  });
  return { client, endpoint, accountID };
}

// rejectsWith asserts that an SDK call failed with the given FC error code and HTTP status
// (the SDK puts the status only in its message: "GET /services/x failed with 404. ..."), and
// whatever more check(err) asserts.
async function rejectsWith(promise, code, status, check) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.code, code, `want ErrorCode ${code}, got ${err.code}: ${err.message}`);
    assert.match(err.message, new RegExp(`failed with ${status}\\.`), err.message);
    if (check) {
      check(err);
    }
    return true;
  });
}

module.exports = { crc32, crc64, makeZip, download, connect, rejectsWith };
