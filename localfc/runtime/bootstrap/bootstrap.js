// fcdeploy nodejs worker: runs one function instance for the local Function
// Compute. The Go pool talks to it over fd 3 (requests) and fd 4 (responses);
// fd 1 and fd 2 both go to the instance log, so console output never touches
// the protocol. Frames: u32 header length, u32 body length (big endian), JSON
// header, raw body.
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');
const { Readable } = require('stream');

const RESP_FD = 4;
let current = null; // the frame header being served, for crash reports

function writeFrame(header, body) {
  body = body || Buffer.alloc(0);
  const h = Buffer.from(JSON.stringify(header));
  const pre = Buffer.alloc(8);
  pre.writeUInt32BE(h.length, 0);
  pre.writeUInt32BE(body.length, 4);
  const all = Buffer.concat([pre, h, body]);
  let off = 0;
  while (off < all.length) {
    try {
      off += fs.writeSync(RESP_FD, all, off, all.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
}

function endLogs(marker) {
  // Pipes are written synchronously on Linux, so every earlier console
  // line is already in the log pipe ahead of the marker.
  if (marker) fs.writeSync(2, marker);
}

function errorBody(err) {
  let message, type, stack;
  if (err instanceof Error) {
    message = err.message;
    type = err.name || 'Error';
    stack = String(err.stack || '').split('\n').slice(1).map((l) => l.trim());
  } else if (err && typeof err === 'object') {
    message = err.message !== undefined ? String(err.message) : JSON.stringify(err);
    type = err.name || 'Error';
    stack = [];
  } else {
    message = String(err);
    type = 'Error';
    stack = [];
  }
  return Buffer.from(JSON.stringify({ errorMessage: message, errorType: type, stackTrace: stack }));
}

function toBody(v) {
  if (v === undefined || v === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (typeof v === 'object') return Buffer.from(JSON.stringify(v));
  return Buffer.from(String(v));
}

function load(spec) {
  const dot = spec.lastIndexOf('.');
  if (dot <= 0) throw new Error(`Invalid handler '${spec}': expected file.function`);
  const file = spec.slice(0, dot);
  const name = spec.slice(dot + 1);
  let mod;
  try {
    mod = require(path.join(process.cwd(), file));
  } catch (e) {
    const err = new Error(`Unable to import module '${file}': ${e.message}`);
    err.name = e.code === 'MODULE_NOT_FOUND' ? 'ImportModuleError' : (e.name || 'Error');
    err.stack = e.stack;
    throw err;
  }
  const fn = mod[name];
  if (typeof fn !== 'function') {
    const err = new Error(`Handler '${name}' missing on module '${file}'`);
    err.name = 'HandlerNotFound';
    throw err;
  }
  return fn;
}

function makeContext(h) {
  const f = h.function;
  const s = h.service;
  const logger = {};
  for (const level of ['debug', 'info', 'warn', 'error', 'log']) {
    logger[level] = (...args) => console.error(new Date().toISOString(), h.requestId || '', `[${level}]`, ...args);
  }
  return {
    requestId: h.requestId || '',
    credentials: { accessKeyId: '', accessKeySecret: '', securityToken: '' },
    function: {
      name: f.name, handler: f.handler, memory: f.memory, timeout: f.timeout,
      initializer: f.initializer || '', initializationTimeout: f.initializationTimeout || 0,
    },
    service: { name: s.name, qualifier: s.qualifier || '', versionId: s.versionId || '', logProject: '', logStore: '' },
    region: 'local',
    accountId: h.accountId || '',
    logger,
  };
}

// once returns a function that runs fn the first time only.
function once(fn) {
  let done = false;
  return (...args) => { if (!done) { done = true; fn(...args); } };
}

function runCallbackStyle(fn, args, finish) {
  let ret;
  try {
    ret = fn(...args, finish);
  } catch (e) {
    finish(e);
    return;
  }
  if (ret && typeof ret.then === 'function') {
    ret.then((v) => finish(null, v), (e) => finish(e || new Error('promise rejected')));
  }
}

function httpObjects(http, body, finish) {
  const request = new Readable({ read() {} });
  request.push(body);
  request.push(null);
  const headers = {};
  for (const [k, vs] of Object.entries(http.header || {})) headers[k.toLowerCase()] = vs.join(', ');
  const queries = {};
  for (const [k, v] of new URLSearchParams(http.rawQuery || '')) {
    if (k in queries) queries[k] = [].concat(queries[k], v);
    else queries[k] = v;
  }
  Object.assign(request, {
    headers, queries, method: http.method, path: http.path, clientIP: http.clientIP || '',
    url: http.path + (http.rawQuery ? '?' + http.rawQuery : ''), body,
  });
  let status = 200;
  const outHeaders = {};
  const response = {
    setStatusCode(code) { status = Number(code); },
    setHeader(k, v) { outHeaders[k] = [].concat(v).map(String); },
    deleteHeader(k) { delete outHeaders[k]; },
    send(b) { finish(null, { status, header: outHeaders }, toBody(b)); },
  };
  return { request, response };
}

function serve(h, body, state) {
  current = h;
  const ctx = makeContext(h);
  const finish = once((err, meta, out) => {
    current = null;
    endLogs(h.marker);
    if (err) writeFrame({ status: h.type === 'init' ? 'unhandled' : 'handled', fatal: h.type === 'init' }, errorBody(err));
    else writeFrame(meta ? { status: 'ok', http: meta } : { status: 'ok' }, out);
  });
  if (h.type === 'init') {
    let fn;
    try { fn = load(h.function.initializer); } catch (e) { finish(e); return; }
    runCallbackStyle(fn, [ctx], (err) => finish(err));
    return;
  }
  if (!state.handler) {
    try {
      state.handler = load(h.function.handler);
    } catch (e) {
      current = null;
      endLogs(h.marker);
      writeFrame({ status: 'unhandled', fatal: true }, errorBody(e));
      process.exit(1);
    }
  }
  if (h.http) {
    const { request, response } = httpObjects(h.http, body, finish);
    try {
      const ret = state.handler(request, response, ctx);
      if (ret && typeof ret.then === 'function') ret.then(null, (e) => finish(e));
    } catch (e) {
      finish(e);
    }
    return;
  }
  runCallbackStyle(state.handler, [body, ctx], (err, result) => finish(err, null, err ? null : toBody(result)));
}

function crash(err) {
  console.error(err && err.stack ? err.stack : String(err));
  if (current) {
    endLogs(current.marker);
    writeFrame({ status: 'unhandled', fatal: true }, errorBody(err));
  }
  process.exit(1);
}
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

function main() {
  const state = { handler: null };
  const input = new net.Socket({ fd: 3, readable: true, writable: false });
  let buf = Buffer.alloc(0);
  input.on('data', (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 8) {
      const hlen = buf.readUInt32BE(0);
      const blen = buf.readUInt32BE(4);
      if (buf.length < 8 + hlen + blen) break;
      const h = JSON.parse(buf.subarray(8, 8 + hlen).toString('utf8'));
      const body = Buffer.from(buf.subarray(8 + hlen, 8 + hlen + blen));
      buf = buf.subarray(8 + hlen + blen);
      serve(h, body, state);
    }
  });
  input.on('end', () => process.exit(0));
}

main();
