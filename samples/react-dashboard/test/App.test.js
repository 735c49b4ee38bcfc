import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { App, ServiceTable } from '../src/App.jsx';
import { exampleServices } from '../src/data.js';

const now = new Date('2024-05-01T12:00:00Z');
const services = exampleServices(now);
const render = (props) => renderToStaticMarkup(createElement(App, { services, now, ...props }));

/** The data-service ids of the table rows, in the order they render. */
const rowIds = (html) => [...html.matchAll(/data-service="([^"]+)"/g)].map((m) => m[1]);

describe('<App>', () => {
  it('shows the overall status as the worst service status', () => {
    assert.match(render(), /<h1>Service status <span class="badge down">Down<\/span><\/h1>/);
    const healthy = services.filter((s) => s.status === 'up');
    assert.match(render({ services: healthy }), /<h1>Service status <span class="badge up">Operational<\/span><\/h1>/);
  });

  it('shows summary counts', () => {
    const html = render();
    for (const [label, value] of [['Services', 5], ['Up', 3], ['Degraded', 1], ['Down', 1]]) {
      assert.ok(html.includes(`<div class="value">${value}</div><div class="label">${label}</div>`), `${label} = ${value}`);
    }
  });

  it('lists every service, worst first', () => {
    assert.deepEqual(rowIds(render()), ['billing', 'search', 'email', 'api', 'auth']);
  });

  it('formats each row', () => {
    const html = render();
    assert.match(html, /<td>Search<\/td><td><span class="badge degraded">Degraded<\/span><\/td><td>1.5 s<\/td><td>99.20%<\/td><td>just now<\/td>/);
    assert.match(html, /<td>Billing<\/td><td><span class="badge down">Down<\/span><\/td><td>—<\/td><td>97.50%<\/td><td>2 min ago<\/td>/);
  });

  it('applies the initial filter and marks its button pressed', () => {
    const html = render({ initialFilter: 'up' });
    assert.deepEqual(rowIds(html), ['email', 'api', 'auth']);
    assert.match(html, /<button type="button" aria-pressed="true">Operational<\/button>/);
    assert.match(html, /<button type="button" aria-pressed="false">All<\/button>/);
  });
});

describe('<ServiceTable>', () => {
  it('says so when nothing matches', () => {
    const html = renderToStaticMarkup(createElement(ServiceTable, { services: [], now }));
    assert.equal(html, '<p class="empty">No services match this filter.</p>');
  });
});
