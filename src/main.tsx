import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppStore, DEFAULT_SPEED } from './store/store';
import { parseQuery } from './store/url';
import { App } from './view/App';
import { AppContext } from './view/context';
import { createController } from './view/controller';
import { createFrameLoop } from './view/frameLoop';
import './view/styles.css';

// The URL is the scenario: a bad value becomes a notice and its default, never a blank page.
const { scenario, notices } = parseQuery(window.location.search);
const store = createAppStore({ scenario, notices, playing: true, speed: DEFAULT_SPEED });
const loop = createFrameLoop();
const controller = createController(store, loop);
loop.start();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AppContext.Provider value={{ store, controller }}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);
