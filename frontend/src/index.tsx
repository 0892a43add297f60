import { render } from 'solid-js/web';

import { App } from './App';
import './index.css';

const root = document.getElementById('root');
if (!root) {
  throw new Error('index.html has no element with id "root" to render into');
}

render(() => <App />, root);
