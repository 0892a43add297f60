import { createResource, Show } from 'solid-js';

import { fetchHealth } from './health';

/** Renders the app's single page: a heading and the backend's health. */
export function App() {
  const [health] = createResource(fetchHealth);

  return (
    <main class="app" data-testid="app">
      <h1>webapp</h1>
      <p>
        Backend:{' '}
        <Show when={!health.loading} fallback={<span>checking…</span>}>
          <span data-testid="health">
            {health.error ? 'unreachable' : health()}
          </span>
        </Show>
      </p>
      <Show when={import.meta.env.VITE_BUILD_LABEL}>
        {(label) => <footer>{label()}</footer>}
      </Show>
    </main>
  );
}
