// The current screen, following the URL hash: the one place the renderer reads and changes it.
import { create } from 'zustand';
import { formatRoute, parseRoute, type Route } from './routes.js';

interface RouteStore {
  route: Route;
  /** Goes to a screen (a new history entry), or replaces the current one (a filter typed into a field). */
  navigate: (route: Route, options?: { replace?: boolean }) => void;
}

export const useRoute = create<RouteStore>((set) => {
  window.addEventListener('hashchange', () => set({ route: parseRoute(window.location.hash) }));
  return {
    route: parseRoute(window.location.hash),
    navigate: (route, options) => {
      const hash = formatRoute(route);
      if (options?.replace) {
        window.history.replaceState(null, '', hash);
        set({ route: parseRoute(hash) });
      } else if (window.location.hash !== hash) {
        window.location.hash = hash;
      }
    },
  };
});
