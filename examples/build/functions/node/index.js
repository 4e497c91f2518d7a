// Uses the npm package "ms", installed by `fcdeploy build` from the
// committed package-lock.json: node_modules is never in this directory.
const ms = require('ms');

exports.handler = (event, context, callback) => {
  const text = event.toString().trim() || '90s';
  callback(null, `${text} is ${ms(text)} ms (ms ${require('ms/package.json').version})`);
};
