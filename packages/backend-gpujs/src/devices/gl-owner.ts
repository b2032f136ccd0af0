/**
 * Which library drives OpenGL in this process. Dawn's OpenGL backends (EGL) and headless-gl (GLX) cannot
 * share one: once Dawn has made an EGL context, headless-gl's first glXMakeCurrent fails with an X error
 * that kills the process (measured on Mesa 22.3 under Xvfb), and after headless-gl Dawn finds no GL
 * adapter. The first one to touch GL keeps it; the other mode reports why it cannot run here.
 */
export type GlOwner = 'dawn' | 'headless-gl';

let owner: GlOwner | null = null;

export function glOwner(): GlOwner | null {
  return owner;
}

/** Records the first user; later calls keep the first. */
export function claimGl(user: GlOwner): void {
  owner ??= user;
}
