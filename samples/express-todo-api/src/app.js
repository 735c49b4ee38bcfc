'use strict';

const express = require('express');
const { TodoStore } = require('./store');

const MAX_TITLE_LENGTH = 200;

/** Returns an error message for an invalid title, or undefined when the title is fine. */
function titleError(title) {
  if (typeof title !== 'string') return 'title must be a string';
  const trimmed = title.trim();
  if (trimmed.length === 0) return 'title must not be empty';
  if (trimmed.length > MAX_TITLE_LENGTH) return `title must be at most ${MAX_TITLE_LENGTH} characters`;
  return undefined;
}

/** Parses the :id route parameter; returns undefined unless it is a positive integer. */
function parseId(raw) {
  return /^[1-9]\d*$/.test(raw) ? Number(raw) : undefined;
}

/** Builds the Express app. Pass a store to share or inspect state; each call gets a fresh one by default. */
function createApp(store = new TodoStore()) {
  const app = express();
  app.use(express.json());

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/todos', (req, res) => {
    const { completed } = req.query;
    if (completed !== undefined && completed !== 'true' && completed !== 'false') {
      return res.status(400).json({ error: "completed must be 'true' or 'false'" });
    }
    res.json(store.list({ completed: completed === undefined ? undefined : completed === 'true' }));
  });

  app.get('/todos/:id', (req, res) => {
    const id = parseId(req.params.id);
    const todo = id === undefined ? undefined : store.get(id);
    if (!todo) return res.status(404).json({ error: 'todo not found' });
    res.json(todo);
  });

  app.post('/todos', (req, res) => {
    const body = req.body ?? {};
    const error = titleError(body.title);
    if (error) return res.status(400).json({ error });
    const todo = store.create({ title: body.title.trim() });
    res.status(201).location(`/todos/${todo.id}`).json(todo);
  });

  app.patch('/todos/:id', (req, res) => {
    const id = parseId(req.params.id);
    if (id === undefined || !store.get(id)) return res.status(404).json({ error: 'todo not found' });
    const body = req.body ?? {};
    const changes = {};
    if (body.title !== undefined) {
      const error = titleError(body.title);
      if (error) return res.status(400).json({ error });
      changes.title = body.title.trim();
    }
    if (body.completed !== undefined) {
      if (typeof body.completed !== 'boolean') return res.status(400).json({ error: 'completed must be a boolean' });
      changes.completed = body.completed;
    }
    if (Object.keys(changes).length === 0) {
      return res.status(400).json({ error: 'nothing to update: send title and/or completed' });
    }
    res.json(store.update(id, changes));
  });

  app.delete('/todos/:id', (req, res) => {
    const id = parseId(req.params.id);
    if (id === undefined || !store.remove(id)) return res.status(404).json({ error: 'todo not found' });
    res.status(204).end();
  });

  // Malformed JSON bodies and any other error become a JSON response instead of an HTML page.
  app.use((err, _req, res, _next) => {
    if (err.type === 'entity.parse.failed') return res.status(400).json({ error: 'request body is not valid JSON' });
    console.error(err);
    res.status(500).json({ error: 'internal server error' });
  });

  return app;
}

module.exports = { createApp, titleError, parseId, MAX_TITLE_LENGTH };
