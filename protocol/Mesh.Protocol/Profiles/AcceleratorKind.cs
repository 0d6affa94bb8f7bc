namespace Mesh.Protocol.Profiles;

/// <summary>How ONNX Runtime reaches an accelerator (<c>cuda</c>, <c>tensorrt</c>, <c>directml</c>, <c>openvino</c>);
/// <c>none</c>: present (for example an integrated GPU) but not used for inference.</summary>
public enum AcceleratorKind { Cuda, TensorRT, DirectML, OpenVino, None }
