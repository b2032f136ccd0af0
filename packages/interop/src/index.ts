export { encodePortableModel, portableModelOf, readPortableModel, type PortableModel } from './portable-model.js';
export { exportTfjsLayers, type TfjsLayersModel } from './tfjs-export.js';
export { importTfjsArtifacts, importTfjsModelJson } from './tfjs-import.js';
export {
  LENET_METADATA_KEY,
  TFJS_LAYERS_FORMAT,
  TFJS_WEIGHTS_FILE,
  type KerasLayerConfig,
  type TfjsModelArtifacts,
  type TfjsModelJson,
  type TfjsWeightSpec,
  type TfjsWeightsGroup,
} from './tfjs-layers-format.js';
export { exportOnnx, ONNX_INPUT_NAME, ONNX_OPSET, ONNX_OUTPUT_NAME } from './onnx-export.js';
export { IMPORTABLE, UnsupportedModelError } from './unsupported-model-error.js';
