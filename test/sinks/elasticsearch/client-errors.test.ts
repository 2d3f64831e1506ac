/**
 * The client as makeClient configures it, on a failed request: what the error carries. The transport attaches the
 * request to an error's metadata and, by default, copies it key by key to mask secrets (`redactObject` in
 * @elastic/transport lib/security.js) — a bulk body of megabytes included, on every failed attempt of an outage.
 * goneaway asks for the `remove` redaction: the credentials are dropped and nothing is copied
 * (https://www.elastic.co/guide/en/elasticsearch/client/javascript-api/current/advanced-config.html#redaction).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeClient } from '../../../src/sinks/elasticsearch/client.js';
import { freePort } from './stand-in.js';

const API_KEY = 'Z29uZWF3YXk6c2VjcmV0';

test('a failed bulk request keeps its body as it was sent (not copied) and carries no credentials', async () => {
  const client = makeClient({
    hosts: [`http://127.0.0.1:${await freePort()}`],
    apiKey: API_KEY,
    tlsVerify: true,
    requestTimeout: 5000,
  });
  const body = Buffer.from('{"create":{"_index":"logs-goneaway.verdicts-default","_id":"a"}}\n{"n":1}\n');
  const err = (await client.bulk({ operations: body as never }).catch((e: unknown) => e)) as {
    name: string;
    meta: { meta: { request: { params: { body: unknown; headers?: unknown } } } };
  };
  await client.close();
  assert.equal(err.name, 'ConnectionError');
  assert.equal(err.meta.meta.request.params.body, body, 'the very buffer, not a copy of it');
  assert.doesNotMatch(JSON.stringify(err.meta), new RegExp(API_KEY));
});
