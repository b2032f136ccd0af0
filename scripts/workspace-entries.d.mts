export declare const WORKSPACE_ROOT: string;
export interface WorkspaceEntry {
  readonly specifier: string;
  readonly source: string;
  readonly subpath: string;
  readonly folder: string;
  readonly private: boolean;
}
export declare function workspaceEntries(folders?: readonly string[]): WorkspaceEntry[];
