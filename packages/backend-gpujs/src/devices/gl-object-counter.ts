import type { WebGLRenderingContextLike } from './sync-device.js';

/**
 * Counts the textures and framebuffers alive in a GL context by wrapping its create/delete calls, so a
 * test can prove that training does not leak device memory (gpu.js keeps its own reference counts; this
 * counts what the driver really holds).
 */
export class GlObjectCounter {
  textures = 0;
  framebuffers = 0;

  constructor(context: WebGLRenderingContextLike) {
    const createTexture = context.createTexture.bind(context);
    const deleteTexture = context.deleteTexture.bind(context);
    const createFramebuffer = context.createFramebuffer.bind(context);
    const deleteFramebuffer = context.deleteFramebuffer.bind(context);
    const live = new WeakSet<object>();
    context.createTexture = () => {
      const texture = createTexture();
      if (texture && typeof texture === 'object') {
        live.add(texture);
        this.textures++;
      }
      return texture;
    };
    context.deleteTexture = (texture: unknown) => {
      if (texture && typeof texture === 'object' && live.delete(texture)) this.textures--;
      deleteTexture(texture);
    };
    context.createFramebuffer = () => {
      const framebuffer = createFramebuffer();
      if (framebuffer && typeof framebuffer === 'object') {
        live.add(framebuffer);
        this.framebuffers++;
      }
      return framebuffer;
    };
    context.deleteFramebuffer = (framebuffer: unknown) => {
      if (framebuffer && typeof framebuffer === 'object' && live.delete(framebuffer)) this.framebuffers--;
      deleteFramebuffer(framebuffer);
    };
  }
}
