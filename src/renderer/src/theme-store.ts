// Light, dark, or the system's choice; kept in this browser profile (the window's or the browser's).
import { create } from 'zustand';

export type Theme = 'system' | 'light' | 'dark';
const KEY = 'selfalign-theme';

function stored(): Theme {
  const value = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : 'system';
}

export const useTheme = create<{ theme: Theme; setTheme: (theme: Theme) => void }>((set) => ({
  theme: stored(),
  setTheme: (theme) => {
    localStorage.setItem(KEY, theme);
    set({ theme });
  },
}));
