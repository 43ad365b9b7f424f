/** The volume-content API's wire form of one entry, as the client reads it and the local backend writes it. */
export interface WireVolumeEntry {
  name: string;
  type: 'unknown' | 'file' | 'directory' | 'symlink';
  path: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** RFC 3339 times. */
  atime: string;
  mtime: string;
  ctime: string;
  /** A symlink's target. */
  target?: string;
}
