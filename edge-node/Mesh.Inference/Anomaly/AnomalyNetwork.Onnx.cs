using System.Globalization;
using Mesh.Inference.Onnx;

namespace Mesh.Inference.Anomaly;

public sealed partial class AnomalyNetwork
{
    /// <summary>Name of the model's input, <c>float32 [N, 6]</c>.</summary>
    public const string InputName = "features";

    /// <summary>Name of the model's output, <c>float32 [N, 1]</c>.</summary>
    public const string OutputName = "score";

    /// <summary>
    /// The ONNX file (IR 8, opset 17): <c>Sub, Div, MatMul, Add, Relu, MatMul, Add, Relu, MatMul, Add, Sigmoid</c>.
    /// Only the default-domain operators every execution provider implements, so TensorRT, CUDA, OpenVINO and
    /// DirectML can take the whole graph. The batch dimension is symbolic, so any batch size runs.
    /// </summary>
    public byte[] ToOnnx(string version)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        var batch = OnnxDimension.Symbolic("N");
        var graph = new OnnxGraphBuilder("anomaly", "Multi-sensor anomaly detector for cooled rooms")
            .Input(InputName, OnnxElementType.Float, batch, OnnxDimension.Fixed(Inputs))
            .Initializer("mean", [Inputs], _mean)
            .Initializer("std", [Inputs], _std)
            .Initializer("w1", [Inputs, Hidden], _w1)
            .Initializer("b1", [Hidden], _b1)
            .Initializer("w2", [Hidden, Hidden], _w2)
            .Initializer("b2", [Hidden], _b2)
            .Initializer("w3", [Hidden, 1], _w3)
            .Initializer("b3", [1], [_b3])
            .Node("Sub", [InputName, "mean"], "centred")
            .Node("Div", ["centred", "std"], "normalised")
            .Node("MatMul", ["normalised", "w1"], "dense1")
            .Node("Add", ["dense1", "b1"], "dense1_biased")
            .Node("Relu", ["dense1_biased"], "hidden1")
            .Node("MatMul", ["hidden1", "w2"], "dense2")
            .Node("Add", ["dense2", "b2"], "dense2_biased")
            .Node("Relu", ["dense2_biased"], "hidden2")
            .Node("MatMul", ["hidden2", "w3"], "dense3")
            .Node("Add", ["dense3", "b3"], "logit")
            .Node("Sigmoid", ["logit"], OutputName)
            .Output(OutputName, OnnxElementType.Float, batch, OnnxDimension.Fixed(1))
            .Build();
        return OnnxModelWriter.Write(graph, new OnnxModelOptions
        {
            ModelVersion = OnnxModelWriter.ModelVersionOf(version),
            DocString = "Probability that a cooled-room reading is anomalous. Input: [temperature °C, humidity %, "
                + "power kW, vibration mm/s, sin(2π·h/24), cos(2π·h/24)] with h the UTC hour of day.",
            Metadata =
            [
                new("name", "anomaly"),
                new("version", version),
                new("features", string.Join(",", AnomalyFeatures.Metrics.Concat(AnomalyFeatures.TimeFeatures))),
                new("hidden", Hidden.ToString(CultureInfo.InvariantCulture)),
            ],
        });
    }
}
