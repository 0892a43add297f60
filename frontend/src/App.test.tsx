import { cleanup, render, screen } from '@solidjs/testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { App } from './App';

function respondWith(response: Response) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => response),
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('App', () => {
  it('shows the backend status', async () => {
    respondWith(Response.json({ status: 'ok' }));
    render(() => <App />);
    expect(await screen.findByText('ok')).toBeTruthy();
  });

  it('says unreachable when the health check fails', async () => {
    respondWith(new Response('down', { status: 503 }));
    render(() => <App />);
    expect(await screen.findByText('unreachable')).toBeTruthy();
  });

  it('renders the heading', () => {
    respondWith(Response.json({ status: 'ok' }));
    render(() => <App />);
    expect(screen.getByRole('heading').textContent).toBe('webapp');
  });
});
