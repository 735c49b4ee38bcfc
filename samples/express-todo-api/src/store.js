'use strict';

/**
 * An in-memory todo store. Each app instance gets its own store, so tests never share state.
 * A todo is { id: number, title: string, completed: boolean, createdAt: string (ISO 8601) }.
 */
class TodoStore {
  constructor() {
    this.todos = new Map();
    this.nextId = 1;
  }

  list({ completed } = {}) {
    const all = [...this.todos.values()];
    return completed === undefined ? all : all.filter((t) => t.completed === completed);
  }

  get(id) {
    return this.todos.get(id);
  }

  create({ title }) {
    const todo = { id: this.nextId++, title, completed: false, createdAt: new Date().toISOString() };
    this.todos.set(todo.id, todo);
    return todo;
  }

  update(id, changes) {
    const todo = this.todos.get(id);
    if (!todo) return undefined;
    if (changes.title !== undefined) todo.title = changes.title;
    if (changes.completed !== undefined) todo.completed = changes.completed;
    return todo;
  }

  remove(id) {
    return this.todos.delete(id);
  }
}

module.exports = { TodoStore };
