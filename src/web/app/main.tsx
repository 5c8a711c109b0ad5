// The dashboard's entry: a hash router (#/runs, #/runs/<id>, #/compare?runs=..., #/preprocess,
// #/predict) over five pages, and the token prompt when the server asks for one.
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { captureToken } from './api';
import { RunsPage } from './pages/RunsPage';
import { RunPage } from './pages/RunPage';
import { ComparePage } from './pages/ComparePage';
import { PreprocessPage } from './pages/PreprocessPage';
import { PredictPage } from './pages/PredictPage';
import './styles.css';

/** The current route: path segments and query of the fragment. */
export interface Route {
  readonly path: string[];
  readonly query: URLSearchParams;
}

function parseRoute(): Route {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { path: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(query) };
}

function App() {
  const [route, setRoute] = useState(parseRoute);
  useEffect(() => {
    const update = () => setRoute(parseRoute());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  const [section = 'runs', id] = route.path;
  let page;
  if (section === 'runs' && id) page = <RunPage id={id} />;
  else if (section === 'compare') page = <ComparePage query={route.query} />;
  else if (section === 'preprocess') page = <PreprocessPage query={route.query} />;
  else if (section === 'predict') page = <PredictPage query={route.query} />;
  else page = <RunsPage />;
  const link = (name: string, label: string) => (
    <a href={`#/${name}`} className={section === name ? 'active' : ''}>
      {label}
    </a>
  );
  return (
    <>
      <header>
        <strong>alzbench</strong>
        <nav>
          {link('runs', 'Runs')}
          {link('compare', 'Compare')}
          {link('preprocess', 'Preprocessing')}
          {link('predict', 'Predict')}
        </nav>
        <span className="note">research tool: an auxiliary indicator, not a diagnosis</span>
      </header>
      <main key={section + (id ?? '')}>{page}</main>
    </>
  );
}

captureToken();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
