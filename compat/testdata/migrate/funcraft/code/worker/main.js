exports.handler = (event, context, callback) => callback(null, 'done');
