/**
 * Names that archive tools and desktops leave beside data and that are never data: macOS zips
 * (`__MACOSX/` with AppleDouble `._*` files, `.DS_Store`), Windows (`Thumbs.db`, `desktop.ini`,
 * `$RECYCLE.BIN`, `System Volume Information`) and any other dot-file or dot-folder (`.git`,
 * `.ipynb_checkpoints`). torchvision's ImageFolder users hit "cannot identify image file" on the
 * `._*.jpg` ones.
 */
const JUNK_NAMES = new Set(['__macosx', 'thumbs.db', 'desktop.ini', '$recycle.bin', 'system volume information', 'ehthumbs.db']);

/**
 * True for a file or folder name that is archive or desktop metadata, not data.
 *
 * @param name a base name (not a path)
 * @returns true for dot-names (`.DS_Store`, `._x.jpg`, `.git`) and `__MACOSX`, `Thumbs.db`, `desktop.ini`, ... (any case)
 */
export function isJunkName(name: string): boolean {
  return name.startsWith('.') || JUNK_NAMES.has(name.toLowerCase());
}
