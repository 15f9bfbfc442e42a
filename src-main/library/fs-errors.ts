/** A short, human cause for a file-system error, for messages that already name the path. */
export function fsErrorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'not found';
    case 'ENOTDIR':
      return 'not a folder';
    case 'EISDIR':
      return 'is a directory';
    case 'EIO':
      return 'input/output error';
    default:
      return e.code ?? e.message;
  }
}
