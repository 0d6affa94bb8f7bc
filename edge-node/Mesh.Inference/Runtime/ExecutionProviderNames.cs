using static Mesh.Protocol.Profiles.ExecutionProviders;

namespace Mesh.Inference.Runtime;

/// <summary>What ONNX Runtime calls the providers that profiles and manifests name
/// (<see cref="Mesh.Protocol.Profiles.ExecutionProviders"/>), and the order a model's session tries them in.</summary>
public static class ExecutionProviderNames
{
    /// <summary>All providers in the default order of preference (CPU last: the fallback).</summary>
    public static readonly IReadOnlyList<string> All = [TensorRT, Cuda, OpenVino, DirectML, Cpu];

    /// <summary>The name ONNX Runtime lists in <c>OrtEnv.GetAvailableProviders()</c>.</summary>
    public static string RuntimeName(string provider) => provider switch
    {
        TensorRT => "TensorrtExecutionProvider",
        Cuda => "CUDAExecutionProvider",
        DirectML => "DmlExecutionProvider",
        OpenVino => "OpenVINOExecutionProvider",
        Cpu => "CPUExecutionProvider",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown execution provider"),
    };

    /// <summary>The providers of <paramref name="hardware"/> that the model also accepts, in the hardware's order, CPU always last.</summary>
    public static IReadOnlyList<string> Plan(IReadOnlyList<string> hardware, IReadOnlyList<string> model)
    {
        var plan = new List<string>(hardware.Count + 1);
        foreach (var p in hardware)
            if (p != Cpu && model.Contains(p) && !plan.Contains(p))
                plan.Add(p);
        plan.Add(Cpu);
        return plan;
    }
}
