import { conv2dInfo, parseArchitecture, pool2dInfo, type ActivationKind } from '@lenet-ts/core';
import onnxProto from 'onnx-proto';
import { layerNames } from './layer-names.js';
import type { PortableModel } from './portable-model.js';
import { float32LittleEndian } from './tfjs-export.js';

const { onnx } = onnxProto;

/** ONNX opset the export targets; opset 13 pairs with IR version 7. */
export const ONNX_OPSET = 13;
const ONNX_IR_VERSION = 7;
export const ONNX_INPUT_NAME = 'pixels';
export const ONNX_OUTPUT_NAME = 'outputs';

/**
 * The model as an ONNX graph (opset 13): input `pixels`, raw pixel values `[N, ...inputShape]` float32
 * channels-last like `lenet predict`'s; output `outputs`, the model's own outputs `[N, classes]` (before the
 * probability normalisation `predict` applies). ONNX convolutions are channels-first, so the graph
 * transposes once in and once back before Flatten, keeping Keras' flatten order and Dense weights as they are.
 */
export function exportOnnx(model: PortableModel): Uint8Array {
  const { architecture, weights } = model;
  const { params } = parseArchitecture(architecture, 'the model');
  if (weights.map((w) => w.name).join() !== params.map((p) => p.name).join())
    throw new Error('the weights do not match the architecture; read the model with readPortableModel');
  const weight = new Map(weights.map((w) => [w.name, w]));
  const nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  const initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  let current = ONNX_INPUT_NAME;
  let step = 0;
  const emit = (opType: string, inputs: string[], attributes: InstanceType<typeof onnx.AttributeProto>[] = []): string => {
    const output = `${opType.toLowerCase()}_${step++}`;
    nodes.push(onnx.NodeProto.create({ opType, input: inputs, output: [output], name: output, attribute: attributes }));
    return output;
  };
  const activate = (activation: unknown) => {
    // Typed by what it can be at run time (any string), so the undefined check below is not dead code to the compiler.
    const onnxOps: Partial<Record<string, string | null>> = { linear: null, sigmoid: 'Sigmoid', relu: 'Relu' } satisfies Record<ActivationKind, string | null>;
    const op = typeof activation === 'string' ? onnxOps[activation] : undefined;
    if (op === undefined) throw new Error(`activation ${String(activation)} has no ONNX equivalent here`);
    if (op) current = emit(op, [current]);
  };

  if (architecture.inputScale !== 1) {
    initializers.push(floatTensor('input_scale', [], new Float32Array([architecture.inputScale])));
    current = emit('Mul', [current, 'input_scale']);
  }
  let channelsFirst = false;
  let shape = [1, ...architecture.inputShape];
  const toChannelsFirst = () => {
    if (!channelsFirst) current = emit('Transpose', [current], [ints('perm', [0, 3, 1, 2])]);
    channelsFirst = true;
  };
  const names = layerNames(architecture.layers);
  for (const [i, config] of architecture.layers.entries()) {
    const name = names[i]!;
    switch (config.type) {
      case 'Conv2D': {
        toChannelsFirst();
        const kernel = weight.get(`${name}/kernel`)!;
        const info = conv2dInfo(shape, kernel.shape, config.strides as [number, number], config.padding as 'valid' | 'same');
        const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
        initializers.push(floatTensor(`${name}/kernel`, [cout, cin, kh, kw], hwioToOihw(kernel.values as Float32Array, kh, kw, cin, cout)));
        initializers.push(floatTensor(`${name}/bias`, [cout], weight.get(`${name}/bias`)!.values as Float32Array));
        current = emit(
          'Conv',
          [current, `${name}/kernel`, `${name}/bias`],
          [
            ints('kernel_shape', [kh, kw]),
            ints('strides', [info.strideHeight, info.strideWidth]),
            ints(
              'pads',
              pads(info.padTop, info.padLeft, info.outHeight, info.outWidth, info.strideHeight, info.strideWidth, kh, kw, info.inHeight, info.inWidth),
            ),
            ints('dilations', [1, 1]),
          ],
        );
        activate(config.activation);
        shape = [...info.outShape];
        break;
      }
      case 'MaxPooling2D': {
        toChannelsFirst();
        const info = pool2dInfo(shape, config.poolSize as [number, number], config.strides as [number, number], config.padding as 'valid' | 'same');
        current = emit(
          'MaxPool',
          [current],
          [
            ints('kernel_shape', [info.poolHeight, info.poolWidth]),
            ints('strides', [info.strideHeight, info.strideWidth]),
            ints(
              'pads',
              pads(
                info.padTop,
                info.padLeft,
                info.outHeight,
                info.outWidth,
                info.strideHeight,
                info.strideWidth,
                info.poolHeight,
                info.poolWidth,
                info.inHeight,
                info.inWidth,
              ),
            ),
          ],
        );
        shape = [...info.outShape];
        break;
      }
      case 'Flatten':
        // Keras flattens channels-last (h, w, c); transposing back first keeps the Dense weights' row order.
        if (channelsFirst) current = emit('Transpose', [current], [ints('perm', [0, 2, 3, 1])]);
        channelsFirst = false;
        current = emit('Flatten', [current], [int('axis', 1)]);
        shape = [1, shape.slice(1).reduce((a, b) => a * b, 1)];
        break;
      case 'Dense': {
        const kernel = weight.get(`${name}/kernel`)!;
        initializers.push(floatTensor(`${name}/kernel`, [...kernel.shape], kernel.values as Float32Array));
        initializers.push(floatTensor(`${name}/bias`, [kernel.shape[1]!], weight.get(`${name}/bias`)!.values as Float32Array));
        current = emit('Gemm', [current, `${name}/kernel`, `${name}/bias`]);
        activate(config.activation);
        shape = [1, kernel.shape[1]!];
        break;
      }
      case 'Activation':
        activate(config.activation);
        break;
      default:
        throw new Error(`layer type ${config.type} has no ONNX equivalent here`);
    }
  }
  // The last node writes the graph output under its public name.
  const last = nodes[nodes.length - 1];
  if (last) last.output = [ONNX_OUTPUT_NAME];
  else nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [current], output: [ONNX_OUTPUT_NAME], name: 'identity' }));

  const graph = onnx.GraphProto.create({
    name: 'lenet',
    node: nodes,
    initializer: initializers,
    input: [valueInfo(ONNX_INPUT_NAME, ['N', ...architecture.inputShape])],
    output: [valueInfo(ONNX_OUTPUT_NAME, ['N', shape[1]!])],
    docString: `raw pixels in, the model's outputs out (loss ${architecture.loss}: ${architecture.loss === 'softmax-cross-entropy' ? 'logits' : 'per-class scores, normalised to sum to 1 for probabilities'})`,
  });
  const proto = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: ONNX_OPSET })],
    producerName: 'lenet-ts',
    graph,
    metadataProps: [
      onnx.StringStringEntryProto.create({ key: 'lenet-ts.loss', value: architecture.loss }),
      onnx.StringStringEntryProto.create({ key: 'lenet-ts.metadata', value: JSON.stringify(model.metadata) }),
    ],
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** ONNX pads [top, left, bottom, right]: what 'same' adds after the input is whatever the output size still needs. */
function pads(
  top: number,
  left: number,
  outH: number,
  outW: number,
  strideH: number,
  strideW: number,
  kh: number,
  kw: number,
  inH: number,
  inW: number,
): number[] {
  const bottom = Math.max(0, (outH - 1) * strideH + kh - inH - top);
  const right = Math.max(0, (outW - 1) * strideW + kw - inW - left);
  return [top, left, bottom, right];
}

/** Keras kernels are [kh, kw, in, out]; ONNX Conv wants [out, in, kh, kw]. */
function hwioToOihw(values: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) {
          out[((o * cin + i) * kh + y) * kw + x] = values[((y * kw + x) * cin + i) * cout + o]!;
        }
  return out;
}

function floatTensor(name: string, dims: number[], values: Float32Array): InstanceType<typeof onnx.TensorProto> {
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: float32LittleEndian([values]) });
}

function ints(name: string, values: number[]): InstanceType<typeof onnx.AttributeProto> {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
}

function int(name: string, value: number): InstanceType<typeof onnx.AttributeProto> {
  return onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
}

function valueInfo(name: string, dims: (number | string)[]): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create(typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        }),
      }),
    }),
  });
}
