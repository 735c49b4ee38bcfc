'use strict';

const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { createApp, titleError, parseId } = require('../src/app');
const { TodoStore } = require('../src/store');

// Each test talks to a real HTTP server on an ephemeral port using Node's built-in fetch.
let server;
let baseUrl;
let store;

before(async () => {
  server = createApp({
    // Delegate to whichever store the current test installed, so one server serves every test.
    list: (...a) => store.list(...a),
    get: (...a) => store.get(...a),
    create: (...a) => store.create(...a),
    update: (...a) => store.update(...a),
    remove: (...a) => store.remove(...a),
  }).listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}`;
});

after(() => new Promise((resolve) => server.close(resolve)));

beforeEach(() => {
  store = new TodoStore();
});

async function request(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(baseUrl + path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe('GET /health', () => {
  it('reports ok', async () => {
    const res = await request('GET', '/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  });
});

describe('POST /todos', () => {
  it('creates a todo with a trimmed title, not completed', async () => {
    const res = await request('POST', '/todos', { title: '  Buy milk  ' });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('location'), `/todos/${res.body.id}`);
    assert.equal(res.body.title, 'Buy milk');
    assert.equal(res.body.completed, false);
    assert.ok(!Number.isNaN(Date.parse(res.body.createdAt)), 'createdAt is an ISO date');
  });

  it('gives each todo a new id', async () => {
    const a = await request('POST', '/todos', { title: 'a' });
    const b = await request('POST', '/todos', { title: 'b' });
    assert.notEqual(a.body.id, b.body.id);
  });

  for (const [name, body] of [
    ['a missing title', {}],
    ['an empty title', { title: '   ' }],
    ['a non-string title', { title: 42 }],
    ['a title over 200 characters', { title: 'x'.repeat(201) }],
  ]) {
    it(`rejects ${name} with 400`, async () => {
      const res = await request('POST', '/todos', body);
      assert.equal(res.status, 400);
      assert.match(res.body.error, /title/);
      assert.equal(store.list().length, 0);
    });
  }

  it('rejects malformed JSON with a JSON 400', async () => {
    const res = await request('POST', '/todos', '{"title": ');
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'request body is not valid JSON');
  });
});

describe('GET /todos', () => {
  it('lists todos in creation order', async () => {
    await request('POST', '/todos', { title: 'first' });
    await request('POST', '/todos', { title: 'second' });
    const res = await request('GET', '/todos');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.map((t) => t.title), ['first', 'second']);
  });

  it('filters by completed', async () => {
    const a = await request('POST', '/todos', { title: 'done' });
    await request('POST', '/todos', { title: 'open' });
    await request('PATCH', `/todos/${a.body.id}`, { completed: true });
    assert.deepEqual((await request('GET', '/todos?completed=true')).body.map((t) => t.title), ['done']);
    assert.deepEqual((await request('GET', '/todos?completed=false')).body.map((t) => t.title), ['open']);
    assert.equal((await request('GET', '/todos?completed=maybe')).status, 400);
  });

  it('returns one todo by id, 404 for unknown or malformed ids', async () => {
    const created = await request('POST', '/todos', { title: 'find me' });
    const res = await request('GET', `/todos/${created.body.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, created.body);
    assert.equal((await request('GET', '/todos/999')).status, 404);
    assert.equal((await request('GET', '/todos/abc')).status, 404);
  });
});

describe('PATCH /todos/:id', () => {
  it('updates title and completed', async () => {
    const created = await request('POST', '/todos', { title: 'old' });
    const res = await request('PATCH', `/todos/${created.body.id}`, { title: 'new', completed: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.title, 'new');
    assert.equal(res.body.completed, true);
    assert.equal(store.get(created.body.id).title, 'new');
  });

  it('rejects invalid changes and leaves the todo alone', async () => {
    const created = await request('POST', '/todos', { title: 'keep' });
    const id = created.body.id;
    assert.equal((await request('PATCH', `/todos/${id}`, { completed: 'yes' })).status, 400);
    assert.equal((await request('PATCH', `/todos/${id}`, { title: '' })).status, 400);
    assert.equal((await request('PATCH', `/todos/${id}`, {})).status, 400);
    assert.deepEqual(store.get(id), created.body);
  });

  it('returns 404 for an unknown todo', async () => {
    assert.equal((await request('PATCH', '/todos/42', { completed: true })).status, 404);
  });
});

describe('DELETE /todos/:id', () => {
  it('deletes a todo once', async () => {
    const created = await request('POST', '/todos', { title: 'bye' });
    const res = await request('DELETE', `/todos/${created.body.id}`);
    assert.equal(res.status, 204);
    assert.equal(store.list().length, 0);
    assert.equal((await request('DELETE', `/todos/${created.body.id}`)).status, 404);
  });
});

describe('validation helpers', () => {
  it('titleError accepts normal titles and explains bad ones', () => {
    assert.equal(titleError('ok'), undefined);
    assert.equal(titleError(''), 'title must not be empty');
    assert.equal(titleError(null), 'title must be a string');
  });

  it('parseId accepts only positive integers', () => {
    assert.equal(parseId('7'), 7);
    for (const bad of ['0', '-1', '1.5', '07', 'x', '']) assert.equal(parseId(bad), undefined, bad);
  });
});
