'use strict';

// HTTP trigger handler: answers with the stage and the request path.
exports.handler = function (request, response, context) {
  response.setStatusCode(200);
  response.setHeader('content-type', 'application/json');
  response.send(JSON.stringify({ stage: process.env.STAGE, path: request.path }));
};
