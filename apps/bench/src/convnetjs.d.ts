/** The part of ConvNetJS 0.3 (which ships no types) that convnetjs-peer uses. */
declare module 'convnetjs' {
  export class Vol {
    constructor(sx: number, sy: number, depth: number, c?: number);
    /** sx * sy * depth values (Float64Array where typed arrays exist), index ((y * sx) + x) * depth + d. */
    w: Float64Array;
  }
  export interface LayerDef {
    type: string;
    [option: string]: unknown;
  }
  export class Net {
    makeLayers(defs: LayerDef[]): void;
    forward(input: Vol, isTraining?: boolean): Vol;
  }
  export interface TrainerOptions {
    method?: 'sgd' | 'adagrad' | 'adadelta' | 'windowgrad' | 'nesterov';
    learning_rate?: number;
    batch_size?: number;
    momentum?: number;
    l1_decay?: number;
    l2_decay?: number;
  }
  export class Trainer {
    constructor(net: Net, options?: TrainerOptions);
    /** One sample: forward, backward, and every `batch_size` samples an update with the mean gradient. */
    train(x: Vol, y: number): { loss: number; cost_loss: number };
  }
}
