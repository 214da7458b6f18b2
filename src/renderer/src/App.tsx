// The window: the navigation, the engine's state, and the screen the address names, each screen inside its own
// error boundary so that one failing screen leaves the rest usable. Each screen's code is loaded when it is first
// opened (its own chunk of the bundle), so the window starts without the charts' and the forms' code.
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { ErrorBoundary } from './components/ErrorBoundary.js';
import { useEngineState } from './engine-state-store.js';
import { useRoute } from './route-store.js';
import { formatRoute, hrefOf, type Route } from './routes.js';
import { useTheme } from './theme-store.js';

const CompareScreen = lazy(() => import('./screens/CompareScreen.js').then((m) => ({ default: m.CompareScreen })));
const DataScreen = lazy(() => import('./screens/DataScreen.js').then((m) => ({ default: m.DataScreen })));
const ModelsScreen = lazy(() => import('./screens/ModelsScreen.js').then((m) => ({ default: m.ModelsScreen })));
const NewRunScreen = lazy(() => import('./screens/NewRunScreen.js').then((m) => ({ default: m.NewRunScreen })));
const ProbeDetailScreen = lazy(() =>
  import('./screens/ProbeDetailScreen.js').then((m) => ({ default: m.ProbeDetailScreen })),
);
const RunScreen = lazy(() => import('./screens/RunScreen.js').then((m) => ({ default: m.RunScreen })));
const RunsScreen = lazy(() => import('./screens/RunsScreen.js').then((m) => ({ default: m.RunsScreen })));
const SettingsScreen = lazy(() => import('./screens/SettingsScreen.js').then((m) => ({ default: m.SettingsScreen })));

const NAV: { id: string; label: string; route: Route; active: (r: Route) => boolean }[] = [
  {
    id: 'nav-runs',
    label: 'Runs',
    route: { screen: 'runs' },
    active: (r) => r.screen === 'runs' || r.screen === 'run' || r.screen === 'probe' || r.screen === 'compare',
  },
  { id: 'nav-new-run', label: 'New run', route: { screen: 'new-run' }, active: (r) => r.screen === 'new-run' },
  { id: 'nav-data', label: 'Data', route: { screen: 'data' }, active: (r) => r.screen === 'data' },
  { id: 'nav-models', label: 'Models', route: { screen: 'models' }, active: (r) => r.screen === 'models' },
  { id: 'nav-settings', label: 'Settings', route: { screen: 'settings' }, active: (r) => r.screen === 'settings' },
];

function screenOf(route: Route): { name: string; node: ReactNode } {
  switch (route.screen) {
    case 'runs':
      return { name: 'Runs', node: <RunsScreen /> };
    case 'new-run':
      return { name: 'New run', node: <NewRunScreen from={route.from} /> };
    case 'run':
      return { name: 'Run', node: <RunScreen route={route} /> };
    case 'probe':
      return { name: 'Probe detail', node: <ProbeDetailScreen route={route} /> };
    case 'compare':
      return { name: 'Compare runs', node: <CompareScreen route={route} /> };
    case 'data':
      return { name: 'Data', node: <DataScreen /> };
    case 'models':
      return { name: 'Models', node: <ModelsScreen /> };
    case 'settings':
      return { name: 'Settings', node: <SettingsScreen /> };
    case 'not-found':
      return {
        name: 'Not found',
        node: (
          <div className="notice" role="status">
            There is no screen at <code>{route.path}</code>. <a href={hrefOf({ screen: 'runs' })}>Go to the runs</a>.
          </div>
        ),
      };
  }
}

export function App() {
  const route = useRoute((s) => s.route);
  const engine = useEngineState((s) => s.state);
  const watch = useEngineState((s) => s.watch);
  const theme = useTheme((s) => s.theme);
  useEffect(() => watch(), [watch]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const { name, node } = screenOf(route);
  useEffect(() => {
    document.title = `${name} · Self-Align Workbench`;
  }, [name]);
  // Another screen (or another run's tab, or another probe) opens at its top; a new filter keeps the place.
  const place = formatRoute({ ...route, query: {} } as Route);
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [place]);

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Screens">
        <div className="brand">
          <h1>Self-Align Workbench</h1>
          <p className="muted small">Cultural alignment of language models with the World Values Survey</p>
        </div>
        <ul>
          {NAV.map((item) => (
            <li key={item.id}>
              <a href={hrefOf(item.route)} data-testid={item.id} aria-current={item.active(route) ? 'page' : undefined}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content" id="main">
        {engine && (
          <p className="notice error" role="alert">
            {engine.state === 'restarting' ? 'The engine stopped unexpectedly; ' : 'The engine stopped: '}
            {engine.message}. Runs keep what they measured and can be resumed.
          </p>
        )}
        <ErrorBoundary screen={name} resetKey={formatRoute(route)}>
          <Suspense
            fallback={
              <p className="muted" role="status">
                Opening {name}…
              </p>
            }
          >
            {node}
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
