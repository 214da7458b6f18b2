// Saving a file from the window: the browser's download (Electron's save, or the browser's Downloads folder),
// from text or from a data: URL already made (a PNG drawn on a canvas). The one way every screen saves a file.

/** Saves `text` under `name` with the given MIME type. */
export function saveText(name: string, type: string, text: string): void {
  saveUrl(name, `data:${type};charset=utf-8,${encodeURIComponent(text)}`);
}

export function saveUrl(name: string, href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}
