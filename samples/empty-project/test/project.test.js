'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');

test('the README starts with a title', () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  assert.match(readme, /^# \S/, 'README.md should start with a "# Title" line');
});

test('.gitignore keeps dependencies and build output out of git', () => {
  const ignored = fs.readFileSync(path.join(root, '.gitignore'), 'utf8').split(/\r?\n/).map((l) => l.trim());
  for (const entry of ['node_modules/', 'dist/']) assert.ok(ignored.includes(entry), `.gitignore should list ${entry}`);
});

test('package.json has a test script', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.equal(typeof pkg.scripts?.test, 'string');
});
